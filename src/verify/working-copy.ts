// Run tuf-js on a scratch copy of a trusted-metadata directory and move back
// what it persisted with atomic writes: tuf-js writes files in place, and a
// crash must never leave a half-written trusted file.

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { writeFileAtomic } from '../store/atomic-file.js';

/**
 * Copy the `*.json` files of `dir` to a scratch directory inside it, run
 * `work` there, then write back every file that changed (tuf-js persists only
 * metadata it verified), whether `work` succeeded or not, so newer versions
 * are remembered for rollback checks either way.
 */
export async function withWorkingCopy<T>(dir: string, work: (scratch: string) => Promise<T>): Promise<T> {
  const scratch = await fs.mkdtemp(join(dir, '.work-'));
  const before = new Map<string, string>();
  try {
    for (const name of await trustedFiles(dir)) {
      const bytes = await fs.readFile(join(dir, name));
      await fs.writeFile(join(scratch, name), bytes);
      before.set(name, hash(bytes));
    }
    try {
      return await work(scratch);
    } finally {
      for (const name of await fs.readdir(scratch)) {
        if (!name.endsWith('.json')) continue;
        const bytes = await fs.readFile(join(scratch, name));
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
