// Atomic file writes (temp file in the same directory, fsync, rename, fsync the
// directory) and bounded reads that refuse symlinks when asked to.

import { constants, promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, basename, join } from 'node:path';
import { UsageError } from '../errors.js';

export interface WriteOptions {
  mode?: number;
  /** Called after the temp file is synced, before the rename (crash tests). */
  beforeRename?: () => void | Promise<void>;
}

/** Write `bytes` to `path` so that readers see the old or the new content, never a mix. */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string, options: WriteOptions = {}): Promise<void> {
  const dir = dirname(path);
  const temp = await writeSyncedTemp(path, bytes, options.mode ?? 0o644);
  try {
    await options.beforeRename?.();
    await fs.rename(temp, path);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

/**
 * Write `bytes` to `path` only if nothing is there yet (link(2) of a synced
 * temp file, atomic and exclusive; on filesystems without hard links, a
 * check then rename). Returns false when `path` exists.
 */
export async function writeFileExclusive(path: string, bytes: Uint8Array, options: WriteOptions = {}): Promise<boolean> {
  const dir = dirname(path);
  const temp = await writeSyncedTemp(path, bytes, options.mode ?? 0o644);
  try {
    await options.beforeRename?.();
    await fs.link(temp, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    // No hard links on this filesystem: check, then rename (exclusive only under the publish lock).
    if (await fs.lstat(path).then(() => true, () => false)) return false;
    await fs.rename(temp, path);
  } finally {
    await fs.rm(temp, { force: true });
  }
  await syncDirectory(dir);
  return true;
}

/**
 * A new temp file next to `path` holding `bytes`, synced to disk; returns its
 * path. On any failure (a full disk) the temp file is removed again.
 */
async function writeSyncedTemp(path: string, bytes: Uint8Array | string, mode: number): Promise<string> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(temp, 'wx', mode);
  try {
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  return temp;
}

/** Per directory: the fsync not yet started (shared by every caller since), and the one running. */
const queuedSyncs = new Map<string, Promise<void>>();
const runningSyncs = new Map<string, Promise<void>>();

/**
 * fsync a directory so a rename in it survives a crash (best effort where
 * refused). Resolves after an fsync that started after this call; callers
 * that arrive while one is queued share it, so a publish of 512 bins costs a
 * few directory fsyncs, not 512.
 */
export function syncDirectory(dir: string): Promise<void> {
  const queued = queuedSyncs.get(dir);
  if (queued) return queued;
  const before = runningSyncs.get(dir) ?? Promise.resolve();
  const next = before
    .catch(() => undefined)
    .then(() => {
      queuedSyncs.delete(dir);
      const running = syncDirectoryNow(dir);
      runningSyncs.set(dir, running);
      return running.finally(() => {
        if (runningSyncs.get(dir) === running) runningSyncs.delete(dir);
      });
    });
  queuedSyncs.set(dir, next);
  return next;
}

async function syncDirectoryNow(dir: string): Promise<void> {
  const handle = await fs.open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  } finally {
    await handle.close();
  }
}

export interface ReadOptions {
  /** Refuse a symlink at `path` (trust inputs: root pins, keys, policy). */
  refuseSymlink?: boolean;
}

/**
 * Read at most `maxBytes` from `path`; undefined when it does not exist.
 * Throws a UsageError when the file is larger or is a refused symlink.
 */
export async function readFileBounded(path: string, maxBytes: number, options: ReadOptions = {}): Promise<Buffer | undefined> {
  const flags = constants.O_RDONLY | (options.refuseSymlink ? constants.O_NOFOLLOW : 0);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, flags);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new UsageError('symlink-refused', `${path} is a symlink; signet refuses symlinks for trust inputs`);
    throw error;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new UsageError('not-a-file', `${path} is not a regular file`);
    if (stat.size > maxBytes) throw new UsageError('too-large', `${path} is ${stat.size} bytes, more than the ${maxBytes}-byte limit`);
    const buffer = Buffer.alloc(stat.size);
    let offset = 0;
    while (offset < stat.size) {
      const { bytesRead } = await handle.read(buffer, offset, stat.size - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return buffer.subarray(0, offset);
  } finally {
    await handle.close();
  }
}
