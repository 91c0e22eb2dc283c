// Run tuf-js on a scratch copy of a trusted-metadata directory and move back
// what it persisted with atomic writes: tuf-js writes files in place, and a
// crash must never leave a half-written trusted file.

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { readFileBounded, writeFileAtomic } from '../store/atomic-file.js';
import { LIMITS } from '../limits.js';

/** Copy one more trusted file (or `'all'`) into the scratch directory before tuf-js needs it. */
export type BringLocal = (file: string | 'all') => Promise<void>;

export interface WorkingCopyOptions {
  /**
   * Which trusted files to copy before `work` starts (default: all). The rest
   * are copied only when `work` asks with `bringLocal`, so a verifier that has
   * cached 512 hashed bins does not copy them all to look up one tag. A file
   * not brought is simply downloaded again by tuf-js.
   */
  upFront?: (name: string) => boolean;
}

/**
 * Copy the `*.json` files of `dir` to a scratch directory inside it, run
 * `work` there, then write back every file that changed (tuf-js persists only
 * metadata it verified), whether `work` succeeded or not, so newer versions
 * are remembered for rollback checks either way.
 */
export async function withWorkingCopy<T>(dir: string, work: (scratch: string, bringLocal: BringLocal) => Promise<T>, options: WorkingCopyOptions = {}): Promise<T> {
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
  const upFront = options.upFront ?? (() => true);
  try {
    await Promise.all([...trusted].filter(upFront).map(copy));
    try {
      return await work(scratch, bringLocal);
    } finally {
      await Promise.allSettled(copying.values());
      for (const name of await fs.readdir(scratch)) {
        if (!name.endsWith('.json')) continue;
        const bytes = await readFileBounded(join(scratch, name), LIMITS.targetsBytes);
        if (bytes === undefined) continue;
        if (before.get(name) !== hash(bytes)) await writeFileAtomic(join(dir, name), bytes);
      }
    }
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

async function trustedFiles(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.'));
}

function hash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
