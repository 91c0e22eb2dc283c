// The Notary v1 side of the benchmark: the `notary` CLI against the loopback
// notary-server, with a publisher trust dir (holds keys) and a separate
// verifier trust dir (metadata cache only). A TCP relay in front of the
// server counts the bytes it sends, TLS and HTTP included.

import { createServer, connect } from 'node:net';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, runAsync } from './measure.mjs';

const PASS = 'bench passphrase, not a secret';

/** A byte-counting relay 127.0.0.1:port → server; returns { url, bytes(), reset(), close() }. */
export async function countingRelay(serverUrl) {
  const target = new URL(serverUrl);
  let bytes = 0;
  const sockets = new Set();
  const relay = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    upstream.on('data', (chunk) => (bytes += chunk.length));
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${relay.address().port}`,
    bytes: () => bytes,
    reset: () => (bytes = 0),
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      relay.close(resolve);
    }),
  };
}

export class NotaryClient {
  constructor(serverUrl, caFile, dir = mkdtempSync(join(tmpdir(), 'signet-bench-notary-client-'))) {
    this.serverUrl = serverUrl;
    this.caFile = caFile;
    this.dir = dir;
    this.env = {
      ...process.env,
      NOTARY_ROOT_PASSPHRASE: PASS,
      NOTARY_TARGETS_PASSPHRASE: PASS,
      NOTARY_SNAPSHOT_PASSPHRASE: PASS,
      NOTARY_DELEGATION_PASSPHRASE: PASS,
    };
  }

  /** Always pass -s: without it notary dials notary-server:4443 through DNS. */
  run(args, options = {}) {
    return run('notary', ['-s', this.serverUrl, '-d', this.dir, '--tlscacert', this.caFile, ...args], { env: this.env, ...options });
  }

  init(gun) {
    return this.run(['init', '-p', gun]);
  }
  addhash(gun, tag, size, sha256) {
    return this.run(['addhash', gun, tag, String(size), '--sha256', sha256]);
  }
  publish(gun) {
    return this.run(['publish', gun]);
  }
  /** Async: the byte-counting relay lives in this process and must keep serving. */
  lookup(gun, tag) {
    return runAsync('notary', ['-s', this.serverUrl, '-d', this.dir, '--tlscacert', this.caFile, 'lookup', gun, tag], { env: this.env });
  }

  /** Forget cached metadata for `gun` (a cold verifier). */
  forget(gun) {
    rmSync(join(this.dir, 'tuf', ...gun.split('/'), 'metadata'), { recursive: true, force: true });
  }

  /** Bytes of cached metadata for `gun`. */
  cachedBytes(gun) {
    const dir = join(this.dir, 'tuf', ...gun.split('/'), 'metadata');
    let total = 0;
    for (const name of readdirSync(dir)) total += statSync(join(dir, name)).size;
    return total;
  }

  cleanup() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
