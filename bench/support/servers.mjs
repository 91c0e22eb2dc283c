// Loopback servers for the benchmark: the Debian docker-registry (CNCF
// distribution) and notary-server, each on 127.0.0.1 with a free port, a temp
// directory, and a stop() that kills exactly the process it started.
// (A small copy for bench/; the tests use test/support/ when it exists.)

import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Agent, fetch } from 'undici';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url, child, dispatcher, what) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    try {
      const res = await fetch(url, { dispatcher });
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not answer ${url} within 20 s`);
}

function stopper(child, dir) {
  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  };
}

/** docker-registry with filesystem storage in a temp dir; returns { host, url, pid, stop }. */
export async function startRegistry() {
  const dir = await mkdtemp(join(tmpdir(), 'signet-bench-registry-'));
  const port = await freePort();
  const config = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '',
  ].join('\n');
  await writeFile(join(dir, 'config.yml'), config);
  const child = spawn('/usr/bin/docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'ignore'] });
  const stop = stopper(child, dir);
  try {
    await waitFor(`http://127.0.0.1:${port}/v2/`, child, undefined, 'docker-registry');
  } catch (error) {
    await stop();
    throw error;
  }
  return { host: `127.0.0.1:${port}`, url: `http://127.0.0.1:${port}`, pid: child.pid, stop };
}

/** notary-server with memory storage and a self-signed cert; returns { url, caFile, stop }. */
export async function startNotaryServer() {
  const dir = await mkdtemp(join(tmpdir(), 'signet-bench-notary-'));
  const port = await freePort();
  const key = join(dir, 'server.key');
  const cert = join(dir, 'server.crt');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert,
    '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore' });
  const config = {
    server: { http_addr: `127.0.0.1:${port}`, tls_key_file: key, tls_cert_file: cert },
    trust_service: { type: 'local', hostname: '', port: '', key_algorithm: 'ecdsa' },
    logging: { level: 'error' },
    storage: { backend: 'memory' },
  };
  await writeFile(join(dir, 'server.json'), JSON.stringify(config));
  const child = spawn('notary-server', ['-config', join(dir, 'server.json')], { stdio: ['ignore', 'ignore', 'ignore'] });
  const stop = stopper(child, dir);
  const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
  try {
    await waitFor(`https://127.0.0.1:${port}/_notary_server/health`, child, dispatcher, 'notary-server');
  } catch (error) {
    await stop();
    throw error;
  } finally {
    await dispatcher.close();
  }
  return { url: `https://127.0.0.1:${port}`, caFile: cert, stop };
}
