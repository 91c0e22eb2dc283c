// Finding 2 of the trust-path review: a registry, an oci:// store or an HTTP
// store that trickles one byte at a time, or accepts the connection and never
// answers, must end in exit 3 within the whole-request deadline (--timeout,
// SIGNET_TIMEOUT), naming the host that was too slow. Without a deadline each
// of these ran for many minutes.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

let s: SignetEnv;
let trickle: Server;
let trickleHost: string;
let hung: TcpServer;
let hungHost: string;
const sockets = new Set<Socket>();
const timers = new Set<NodeJS.Timeout>();

/** Headers at once, then one byte every 250 ms of a body that claims 64 KiB. */
function dribble(res: ServerResponse, contentType: string): void {
  res.writeHead(200, { 'content-type': contentType, 'content-length': 65536 });
  const timer = setInterval(() => res.write('{'), 250);
  timers.add(timer);
  res.on('close', () => {
    clearInterval(timer);
    timers.delete(timer);
  });
}

beforeAll(async () => {
  s = await makeSignetEnv();
  const init = await s.cli(['init', join(s.dir, 'trust'), '--scope', 'app']);
  expect(init.code, init.stderr).toBe(0);

  trickle = createServer((req, res) => {
    if (req.url === '/v2/') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    if (req.url?.includes('/manifests/')) return dribble(res, 'application/vnd.oci.image.manifest.v1+json');
    if (req.url?.includes('/tags/list')) return dribble(res, 'application/json');
    if (req.url?.startsWith('/store/')) return dribble(res, 'application/json');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => trickle.listen(0, '127.0.0.1', resolve));
  trickleHost = `127.0.0.1:${(trickle.address() as AddressInfo).port}`;

  // Accepts connections, reads, never answers a single byte.
  hung = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  hungHost = `127.0.0.1:${(hung.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const timer of timers) clearInterval(timer);
  for (const socket of sockets) socket.destroy();
  trickle.closeAllConnections();
  await new Promise<void>((resolve) => trickle.close(() => resolve()));
  await new Promise<void>((resolve) => hung.close(() => resolve()));
  await s.cleanup();
});

const root = () => join(s.dir, 'trust', '1.root.json');

describe('when a registry accepts the connection and never answers', () => {
  it('verify exits 3 within --timeout, naming the host', async () => {
    const result = await s.cli(['verify', `${hungHost}/app:1.0`, '--timeout', '2s']);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain(hungHost);
    expect(result.stderr).toContain('too slow');
  });
});

describe('when a registry trickles a manifest one byte at a time', () => {
  it('verify exits 3 within SIGNET_TIMEOUT, naming the host', async () => {
    const result = await s.cli(['verify', `${trickleHost}/app:1.0`], { env: { SIGNET_TIMEOUT: '2s' } });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain(`${trickleHost} was too slow`);
  });

  it('--timeout wins over SIGNET_TIMEOUT', async () => {
    const result = await s.cli(['verify', `${trickleHost}/app:1.0`, '--timeout', '1s'], { env: { SIGNET_TIMEOUT: '1h' } });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('within 1 s');
  });
});

describe('when the trust store trickles', () => {
  it('an oci:// store on that registry ends in exit 3, naming the host', async () => {
    const result = await s.cli(['verify', s.ref('1.0'), '--trust-repo', `oci://${trickleHost}/app`, '--root', root(), '--timeout', '2s']);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain(trickleHost);
  });

  it('an http:// store honours --timeout too', async () => {
    const result = await s.cli(['verify', s.ref('1.0'), '--trust-repo', `http://${trickleHost}/store/`, '--root', root(), '--timeout', '2s']);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain(trickleHost);
  });
});

describe('a timeout that is not usable', () => {
  it.each([['0s'], ['banana'], ['2d']])('--timeout %s exits 2 with the accepted range', async (value) => {
    const result = await s.cli(['verify', `${trickleHost}/app:1.0`, '--timeout', value]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--timeout/);
  });
});
