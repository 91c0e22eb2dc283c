// BlobFileWriter: a blob's chunks reach its file in order, at their offsets,
// whatever the batching; nothing past the signed length is written; a failed
// write surfaces instead of leaving a short file that looks complete.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobFileWriter } from '../../src/registry/blob-file-writer.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'signet-blob-writer-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Chunks of uneven sizes (network-like) whose bytes depend on their offset, so a misplaced batch shows. */
function chunksOf(total: number): Buffer[] {
  const out: Buffer[] = [];
  let offset = 0;
  for (let i = 0; offset < total; i++) {
    const size = Math.min(total - offset, [65_536, 1, 300_000, 16_384, 1_048_577][i % 5]!);
    const chunk = Buffer.allocUnsafe(size);
    for (let j = 0; j < size; j++) chunk[j] = ((offset + j) * 2_654_435_761) >>> 24;
    out.push(chunk);
    offset += size;
  }
  return out;
}

describe('when a blob arrives in many uneven chunks', () => {
  it('writes every byte at its offset, in batches that overlap the reading', async () => {
    const chunks = chunksOf(40 * 1024 * 1024 + 12_345); // more than the in-flight bound: sync writes too
    const expected = Buffer.concat(chunks);
    const path = join(dir, 'whole');
    const handle = await open(path, 'wx');
    const writer = new BlobFileWriter(handle.fd, expected.length);
    for (const c of chunks) writer.write(c);
    await writer.finish();
    await handle.close();
    expect((await readFile(path)).equals(expected)).toBe(true);
  });
});

describe('when a hostile server sends the blob one byte at a time', () => {
  it('holds a bounded number of buffers (small chunks are copied together) and still writes every byte in order', async () => {
    const total = 3 * 1024 * 1024 + 7;
    const expected = Buffer.allocUnsafe(total);
    for (let i = 0; i < total; i++) expected[i] = (i * 2_654_435_761) >>> 24;
    const path = join(dir, 'bytewise');
    const handle = await open(path, 'wx');
    const writer = new BlobFileWriter(handle.fd, total);
    let most = 0;
    const one = Buffer.alloc(1); // one buffer reused for every byte: only copies keep the bytes apart
    for (let i = 0; i < total; i++) {
      one[0] = expected[i]!;
      writer.write(one);
      if (writer.heldBuffers > most) most = writer.heldBuffers;
    }
    await writer.finish();
    await handle.close();
    expect(most).toBeLessThanOrEqual(17); // a MiB in 64 KiB buffers, not a million 1-byte Buffers
    expect((await readFile(path)).equals(expected)).toBe(true);
  });
});

describe('when a source sends more than the signed length', () => {
  it('refuses the chunk that goes past it and writes nothing of it', async () => {
    const path = join(dir, 'over');
    const handle = await open(path, 'wx');
    const writer = new BlobFileWriter(handle.fd, 10);
    writer.write(Buffer.from('0123456789'));
    expect(() => writer.write(Buffer.from('x'))).toThrow(/more than the 10 signed bytes/);
    await writer.finish();
    await handle.close();
    expect((await readFile(path)).toString()).toBe('0123456789');
  });
});

describe('when the disk refuses a write', () => {
  it('finish rejects with that error', async () => {
    const path = join(dir, 'read-only');
    await (await open(path, 'wx')).close();
    const handle = await open(path, 'r'); // writes fail with EBADF
    const writer = new BlobFileWriter(handle.fd, 4 * 1024 * 1024);
    writer.write(Buffer.alloc(2 * 1024 * 1024, 1));
    const error = await writer.finish().then(() => undefined, (e: unknown) => e);
    await writer.settled();
    await handle.close();
    expect(error).toMatchObject({ code: 'EBADF' });
    expect((await stat(path)).size).toBe(0);
  });
});
