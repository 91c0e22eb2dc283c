// HttpStore against a loopback node:http server that misbehaves on purpose:
// wrong statuses, endless and lying bodies, silence, redirects.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { HttpStore } from '../../src/store/http-store.js';
import { openStore } from '../../src/store/open-store.js';
import { InconclusiveError, UsageError, VerificationError } from '../../src/errors.js';

let server: Server;
let base: string;
let liar: TcpServer;
let liarBase: string;
let closer: TcpServer;
let closerBase: string;
const BIG = 8 * 1024 * 1024;
const hung: Array<() => void> = [];

beforeAll(async () => {
  server = createHttpServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/repo/ok.json') return void res.writeHead(200, { 'content-length': 7 }).end('{"a":1}');
    if (path === '/repo/gone.json') return void res.writeHead(410).end();
    if (path === '/repo/broken.json') return void res.writeHead(503).end('down');
    if (path === '/repo/big.json') return void res.writeHead(200, { 'content-length': 4096 }).end(Buffer.alloc(4096));
    if (path === '/repo/endless.json') {
      res.writeHead(200); // chunked: no Content-Length at all
      const timer = setInterval(() => res.write(Buffer.alloc(1024, 65)), 1);
      res.on('close', () => clearInterval(timer));
      return;
    }
    if (path === '/repo/short.json') {
      res.writeHead(200, { 'content-length': 1000 });
      res.write('only a little');
      return void res.socket?.destroy();
    }
    if (path === '/repo/silent.json') return void hung.push(() => res.destroy());
    if (path === '/repo/moved.json') return void res.writeHead(302, { location: '/repo/ok.json' }).end();
    if (path === '/repo/loop.json') return void res.writeHead(302, { location: '/repo/loop.json' }).end();
    // A host signet does not count as loopback (an IPv4-mapped IPv6 address), so plain http there
    // stands for "another host"; it still reaches this server, so nothing leaves the machine.
    const port = (server.address() as AddressInfo).port;
    if (path === '/repo/away.json') return void res.writeHead(302, { location: `http://[::ffff:127.0.0.1]:${port}/repo/ok.json` }).end();
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/repo/`;

  // A raw TCP server whose Content-Length says 4 but which keeps sending.
  liar = createTcpServer((socket) => {
    socket.on('data', () => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n');
      socket.write(Buffer.alloc(256 * 1024, 66));
      socket.end();
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => liar.listen(0, '127.0.0.1', r));
  liarBase = `http://127.0.0.1:${(liar.address() as AddressInfo).port}/`;

  // An HTTP/1.0-style server (like python's http.server): a large body, then FIN.
  closer = createTcpServer((socket) => {
    socket.once('data', () => {
      socket.write(`HTTP/1.0 200 OK\r\nContent-Length: ${BIG}\r\nConnection: close\r\n\r\n`);
      socket.end(Buffer.alloc(BIG, 67));
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => closer.listen(0, '127.0.0.1', r));
  closerBase = `http://127.0.0.1:${(closer.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  for (const close of hung) close();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await new Promise<void>((r) => liar.close(() => r()));
  await new Promise<void>((r) => closer.close(() => r()));
});

describe('HttpStore.get', () => {
  it('returns the bytes served', async () => {
    expect(Buffer.from((await new HttpStore(base).get('ok.json', 100))!).toString()).toBe('{"a":1}');
  });

  it('returns undefined for 404 and 410', async () => {
    const store = new HttpStore(base);
    expect(await store.get('missing.json', 100)).toBeUndefined();
    expect(await store.get('gone.json', 100)).toBeUndefined();
  });

  it('reports a 5xx as inconclusive, naming method and URL', async () => {
    const error = await new HttpStore(base).get('broken.json', 100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InconclusiveError);
    expect((error as Error).message).toBe(`GET ${base}broken.json answered 503`);
  });

  it('refuses a body whose Content-Length is over the limit, before reading it', async () => {
    const error = await new HttpStore(base).get('big.json', 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerificationError);
    expect((error as VerificationError).code).toBe('too-large');
  });

  it('refuses an endless body without Content-Length once it passes the limit', async () => {
    const error = await new HttpStore(base).get('endless.json', 64 * 1024).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerificationError);
    expect((error as Error).message).toMatch(/larger than the 65536-byte limit/);
  });

  it('never returns more than the limit when Content-Length lies', async () => {
    const outcome = await new HttpStore(liarBase).get('x.json', 1024).then(
      (bytes) => ({ bytes }),
      (error: unknown) => ({ error }),
    );
    if ('bytes' in outcome) expect(outcome.bytes!.length).toBeLessThanOrEqual(1024);
    else expect(outcome.error).toBeInstanceOf(InconclusiveError);
  });

  it('reads a large body from a server that closes the connection right after it', async () => {
    const bytes = await new HttpStore(closerBase).get('big.json', BIG);
    expect(bytes?.length).toBe(BIG);
    let streamed = 0;
    await new HttpStore(closerBase).getPath('big.bin', BIG, (chunk) => {
      streamed += chunk.length;
    });
    expect(streamed).toBe(BIG);
  });

  it('reports a body cut short as inconclusive', async () => {
    const error = await new HttpStore(base).get('short.json', 5000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InconclusiveError);
    expect((error as Error).message).toContain(`GET ${base}short.json`);
  });

  it('gives up on a silent server after its timeout, as inconclusive', async () => {
    const error = await new HttpStore(base, { timeoutMs: 300 }).get('silent.json', 100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InconclusiveError);
    expect((error as InconclusiveError).code).toBe('timeout');
  });

  it('without a whole-request deadline (large targets), still gives up on silence', async () => {
    const error = await new HttpStore(base, { timeoutMs: 0, idleTimeoutMs: 300 }).get('silent.json', 100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InconclusiveError);
    expect((error as Error).message).toMatch(/sent nothing for 300 ms/);
  });

  it('reports a refused connection as inconclusive, naming the URL', async () => {
    const closed = createHttpServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const error = await new HttpStore(`http://127.0.0.1:${port}/`).get('root.json', 100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InconclusiveError);
    expect((error as Error).message).toContain(`GET http://127.0.0.1:${port}/root.json failed`);
  });

  it('follows a redirect, and refuses a redirect loop', async () => {
    const store = new HttpStore(base);
    expect(Buffer.from((await store.get('moved.json', 100))!).toString()).toBe('{"a":1}');
    const error = await store.get('loop.json', 100).catch((e: unknown) => e);
    expect((error as InconclusiveError).code).toBe('too-many-redirects');
  });

  it('refuses a redirect from a loopback store to plain http on another host (review finding 9)', async () => {
    const error = await new HttpStore(base).get('away.json', 100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InconclusiveError);
    expect((error as InconclusiveError).code).toBe('insecure-redirect');
    expect((error as Error).message).toContain('[::ffff:7f00:1]');
  });

  it('follows that redirect when insecure http was allowed explicitly', async () => {
    const store = new HttpStore(base, { allowInsecureHttp: true });
    expect(Buffer.from((await store.get('away.json', 100))!).toString()).toBe('{"a":1}');
  });

  it('refuses unsafe names and paths that leave the base URL', async () => {
    const store = new HttpStore(base);
    await expect(store.get('../secret.json', 100)).rejects.toBeInstanceOf(UsageError);
    await expect(store.getPath('../secret.json', 100)).rejects.toBeInstanceOf(UsageError);
  });
});

describe('HttpStore is read-only', () => {
  it('refuses put, list and withLock with a usage error', async () => {
    const store = new HttpStore(base);
    await expect(store.put('timestamp.json', new Uint8Array())).rejects.toMatchObject({ code: 'store-read-only' });
    await expect(store.list()).rejects.toMatchObject({ code: 'store-read-only' });
    await expect(store.withLock(async () => 1)).rejects.toMatchObject({ code: 'store-read-only' });
  });
});

describe('opening an HTTP store', () => {
  it('accepts https anywhere and plain http on loopback', async () => {
    expect(new HttpStore('https://tuf.example.com/metadata').location).toBe('https://tuf.example.com/metadata/');
    expect((await openStore(base, '/')).location).toBe(base);
  });

  it('refuses plain http to a remote host unless allowed', () => {
    expect(() => new HttpStore('http://tuf.example.com/')).toThrow(/refusing plain http/);
    expect(new HttpStore('http://tuf.example.com/', { allowInsecureHttp: true }).location).toBe('http://tuf.example.com/');
  });

  it('keeps credentials out of its location', () => {
    expect(new HttpStore('https://user:secret@tuf.example.com/m/').location).toBe('https://tuf.example.com/m/');
  });
});
