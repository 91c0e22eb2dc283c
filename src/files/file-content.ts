// Reading a file's bytes for signing and verifying: in fixed-size chunks from
// one reused buffer, so a multi-gigabyte file is hashed in constant memory at
// the speed of node:crypto (see bench/support/file-hash-bench.mjs).

import { constants, promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import type { HashAlgorithm, ReceivedContent } from '../verify/content-check.js';
import { InconclusiveError, UsageError } from '../errors.js';

/** Read size: large enough that per-call overhead vanishes, small enough to stay in cache. */
export const FILE_CHUNK_BYTES = 1024 * 1024;

/**
 * The chunks of the regular file at `path`, in order. Each chunk is a view of
 * one reused buffer: consume it before asking for the next. `what` names the
 * file in errors. A missing file is a usage error (`file-not-found`).
 */
export async function* readFileChunks(path: string, what: string): AsyncGenerator<Uint8Array> {
  const handle = await openRegularFile(path, what);
  try {
    const buffer = Buffer.allocUnsafe(FILE_CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** The size of the regular file at `path` (following symlinks). */
export async function fileSize(path: string, what: string): Promise<number> {
  const handle = await openRegularFile(path, what);
  try {
    return (await handle.stat()).size;
  } finally {
    await handle.close();
  }
}

/** Length and hashes of a file, read once. */
export async function hashFile(path: string, algorithms: readonly HashAlgorithm[], what: string): Promise<ReceivedContent> {
  const hashers = algorithms.map((alg) => [alg, createHash(alg)] as const);
  let length = 0;
  for await (const chunk of readFileChunks(path, what)) {
    length += chunk.length;
    for (const [, hash] of hashers) hash.update(chunk);
  }
  const out: ReceivedContent = { length, hashes: {} };
  for (const [alg, hash] of hashers) out.hashes[alg] = hash.digest('hex');
  return out;
}

async function openRegularFile(path: string, what: string): Promise<fs.FileHandle> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, constants.O_RDONLY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError('file-not-found', `${what}: no such file`, { cause: error });
    if (code === 'EISDIR') throw new UsageError('not-a-file', `${what} is a directory, not a file`, { cause: error });
    throw new InconclusiveError('file-unreadable', `could not read ${what}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new UsageError('not-a-file', `${what} is not a regular file`);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

