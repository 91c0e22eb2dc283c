// StoreFetcher serving target files to tuf-js (downloadFile): streamed to a
// private temp file, bounded by the signed length, removed afterwards.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreFetcher, TARGETS_BASE_URL } from '../../src/verify/store-fetcher.js';
import { DirectoryStore } from '../../src/store/directory-store.js';
import { openTargetSource } from '../../src/tuf-client/sources.js';
import { VerificationError } from '../../src/errors.js';

const BIG = 32 * 1024 * 1024;
let http10: Server;
let base: string;
let work: string;

beforeAll(async () => {
  const body = Buffer.alloc(BIG, 67);
  // Like python's http.server: HTTP/1.0, the whole body, then FIN.
  http10 = createServer((socket) => {
    socket.once('data', () => {
      socket.write(`HTTP/1.0 200 OK\r\nContent-Length: ${BIG}\r\n\r\n`);
      socket.end(body);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => http10.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(http10.address() as AddressInfo).port}/`;
  work = await mkdtemp(join(tmpdir(), 'signet-fetcher-'));
});

afterAll(async () => {
  await new Promise<void>((r) => http10.close(() => r()));
  await rm(work, { recursive: true, force: true });
});

const metadata = () => new DirectoryStore(join(work, 'no-metadata'));

describe('StoreFetcher.downloadFile over HTTP', () => {
  it('streams a large target from a server that closes the connection after it, without crashing (undici#5360)', async () => {
    for (let i = 0; i < 3; i++) {
      const fetcher = new StoreFetcher(metadata(), await openTargetSource(base, { cwd: work }));
      const size = await fetcher.downloadFile(`${TARGETS_BASE_URL}big.bin`, BIG, async (file) => statSync(file).size);
      expect(size).toBe(BIG);
      expect(fetcher.targetBytesDownloaded).toBe(BIG);
    }
  });

  it('refuses more than the signed length and removes its temp file', async () => {
    const fetcher = new StoreFetcher(metadata(), await openTargetSource(base, { cwd: work }));
    let seen: string | undefined;
    const error = await fetcher
      .downloadFile(`${TARGETS_BASE_URL}big.bin`, 1024, async (file) => (seen = file))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerificationError);
    expect(seen).toBeUndefined();
    expect(fetcher.failures.at(-1)?.code).toBe('too-large');
  });
});

describe('StoreFetcher.downloadFile from a directory', () => {
  it('hands tuf-js a temp copy, then removes it', async () => {
    await mkdir(join(work, 'targets', 'sub'), { recursive: true });
    await writeFile(join(work, 'targets', 'sub', 'a b.txt'), 'spaced');
    const fetcher = new StoreFetcher(metadata(), await openTargetSource(join(work, 'targets'), { cwd: work }));
    let temp = '';
    const text = await fetcher.downloadFile(new URL(`${TARGETS_BASE_URL}sub/a b.txt`).href, 100, async (file) => {
      temp = file;
      const { readFile } = await import('node:fs/promises');
      return readFile(file, 'utf8');
    });
    expect(text).toBe('spaced');
    expect(existsSync(temp)).toBe(false);
  });

  it('reports a missing target as a 404 to tuf-js', async () => {
    const fetcher = new StoreFetcher(metadata(), await openTargetSource(join(work, 'targets'), { cwd: work }));
    const error = await fetcher.downloadFile(`${TARGETS_BASE_URL}missing.txt`, 100, async () => 1).catch((e: unknown) => e);
    expect((error as { statusCode?: number }).statusCode).toBe(404);
  });

  it('refuses a path that would leave the target directory', async () => {
    const fetcher = new StoreFetcher(metadata(), await openTargetSource(join(work, 'targets'), { cwd: work }));
    const error = await fetcher.downloadFile(`${TARGETS_BASE_URL}sub/%2E%2E/%2E%2E/secret`, 100, async () => 1).catch((e: unknown) => e);
    expect((error as VerificationError).code).toBe('bad-target-path');
  });

  it('is refused for metadata-only fetchers', async () => {
    const fetcher = new StoreFetcher(metadata());
    await expect(fetcher.downloadFile(`${TARGETS_BASE_URL}x`, 1, async () => 1)).rejects.toThrow(/target source/);
  });
});
