// Run tuf-js on a scratch copy of a trusted-metadata directory and move back
// what it persisted with atomic writes: tuf-js writes files in place, and a
// crash must never leave a half-written trusted file. Write-back never lowers
// a version another verifier sharing the directory wrote meanwhile.

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { readFileBounded, writeFileAtomic } from '../store/atomic-file.js';
import { LIMITS } from '../limits.js';

/** Copy one more trusted file (or `'all'`) into the scratch directory before tuf-js needs it. */
export type BringLocal = (file: string | 'all') => Promise<void>;

/**
 * Write back now what changed so far (the same rule as the final write-back,
 * which then skips what this wrote). Call it only while tuf-js is not
 * writing into the scratch directory (e.g. right after a refresh, before any
 * lookup): a file read half-written must never be written back.
 */
export type WriteBackNow = () => Promise<void>;

export interface WorkingCopyOptions {
  /**
   * Which trusted files to copy before `work` starts (default: all). The rest
   * are copied only when `work` asks with `bringLocal`, so a verifier that has
   * cached 512 hashed bins does not copy them all to look up one tag. A file
   * not brought is simply downloaded again by tuf-js.
   */
  upFront?: (name: string) => boolean;
  /**
   * Wraps the write-back (default: runs it as is). The trusted state passes
   * its directory lock here, so read-compare-write is one step for every
   * process sharing the directory.
   */
  exclusive?: <R>(writeBack: () => Promise<R>) => Promise<R>;
}

/**
 * Copy the `*.json` files of `dir` to a scratch directory inside it, run
 * `work` there, then write back every file that changed (tuf-js persists only
 * metadata it verified), whether `work` succeeded or not, so newer versions
 * are remembered for rollback checks either way.
 *
 * Concurrency: any number of sessions (threads of one process, or processes)
 * may share `dir`. A file another session changed since this one copied it
 * is replaced only by a higher `signed.version` (see `shouldWriteBack`), so a
 * slow session finishing last never moves the remembered state backwards.
 */
export async function withWorkingCopy<T>(dir: string, work: (scratch: string, bringLocal: BringLocal, writeBackNow: WriteBackNow) => Promise<T>, options: WorkingCopyOptions = {}): Promise<T> {
  const scratch = await fs.mkdtemp(join(dir, '.work-'));
  const before = new Map<string, string>();
  const copying = new Map<string, Promise<void>>();
  const trusted = new Set(await trustedFiles(dir));
  const copy = (name: string): Promise<void> => {
    let pending = copying.get(name);
    if (!pending) {
      pending = (async () => {
        if (!trusted.has(name)) return;
        // Trusted files were bounded when fetched; bound (and refuse symlinks) here too.
        const bytes = await readFileBounded(join(dir, name), LIMITS.targetsBytes, { refuseSymlink: true });
        if (bytes === undefined) return;
        await fs.writeFile(join(scratch, name), bytes);
        before.set(name, hash(bytes));
      })();
      copying.set(name, pending);
    }
    return pending;
  };
  const bringLocal: BringLocal = async (file) => {
    if (file === 'all') await Promise.all([...trusted].map(copy));
    else await copy(file);
  };
  const writeBack = async () => {
    await Promise.allSettled(copying.values());
    const changed: Array<[string, Buffer]> = [];
    for (const name of await fs.readdir(scratch)) {
      if (!name.endsWith('.json')) continue;
      const bytes = await readFileBounded(join(scratch, name), LIMITS.targetsBytes);
      if (bytes !== undefined && before.get(name) !== hash(bytes)) changed.push([name, bytes]);
    }
    if (changed.length === 0) return;
    await (options.exclusive ?? ((f) => f()))(async () => {
      for (const [name, bytes] of changed) {
        const current = await readFileBounded(join(dir, name), LIMITS.targetsBytes, { refuseSymlink: true });
        if (shouldWriteBack(bytes, current, before.get(name))) {
          await writeFileAtomic(join(dir, name), bytes);
          before.set(name, hash(bytes)); // on disk now: a later write-back treats it as copied
        }
      }
    });
  };
  const upFront = options.upFront ?? (() => true);
  try {
    await Promise.all([...trusted].filter(upFront).map(copy));
    try {
      return await work(scratch, bringLocal, writeBack);
    } finally {
      await writeBack();
    }
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Whether `ours` (verified by this session) may replace `current` on disk.
 * When nobody changed the file since we copied it (`copiedHash`), tuf-js's
 * own checks ran against it: write. Otherwise another session wrote it
 * meanwhile (or we never copied it): write only a strictly higher version.
 */
export function shouldWriteBack(ours: Uint8Array, current: Uint8Array | undefined, copiedHash: string | undefined): boolean {
  if (current === undefined) return true;
  if (copiedHash !== undefined && hash(current) === copiedHash) return true;
  const theirs = versionOf(current);
  const mine = versionOf(ours);
  if (mine === undefined) return false;
  return theirs === undefined || mine > theirs;
}

function versionOf(bytes: Uint8Array): number | undefined {
  try {
    const version = (JSON.parse(Buffer.from(bytes).toString('utf8')) as { signed?: { version?: unknown } }).signed?.version;
    return Number.isSafeInteger(version) ? (version as number) : undefined;
  } catch {
    return undefined;
  }
}

async function trustedFiles(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.'));
}

function hash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
