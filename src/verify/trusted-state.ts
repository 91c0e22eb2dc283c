// The verifier's trusted state for one trust repository, under
// SIGNET_HOME/trusted/<id>/: the newest verified root, timestamp, snapshot and
// targets. It starts from an explicitly pinned root, never from the network.
// tuf-js writes into a private working copy; verified files are moved back
// atomically, so a crash never leaves a half-written trusted file.

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { readFileBounded, writeFileAtomic } from '../store/atomic-file.js';
import { parseRoot } from '../trust/root-chain.js';
import { LIMITS } from '../limits.js';

const TOP_LEVEL_FILES = new Set(['root.json', 'timestamp.json', 'snapshot.json', 'targets.json']);

export class TrustedState {
  readonly dir: string;

  /** `id` distinguishes trust repositories: see `trustedStateId`. */
  constructor(home: string, id: string) {
    this.dir = join(home, 'trusted', id);
  }

  /**
   * Make sure the state starts from `pinnedRoot`: when there is no trusted
   * root yet, or the pin is a newer version than what we trust, install it.
   */
  async ensureRoot(pinnedRoot: Uint8Array): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const current = await readFileBounded(join(this.dir, 'root.json'), LIMITS.rootBytes);
    if (current !== undefined) {
      const trustedVersion = safeVersion(current);
      if (trustedVersion >= parseRoot(pinnedRoot, 'pinned root').signed.version) return;
    }
    await writeFileAtomic(join(this.dir, 'root.json'), pinnedRoot);
  }

  /**
   * Run `work` on a scratch copy of the state; afterwards move back every
   * file tuf-js persisted (it persists only metadata it verified), whether
   * `work` succeeded or not, so newer versions are remembered for rollback
   * checks either way.
   *
   * Only the top-level roles are copied up front; `work` brings any other
   * trusted file (a delegated role, a bin) into the copy with `bringLocal`
   * before tuf-js needs it, so a verifier that has cached 512 bins does not
   * copy them all to look up one tag. A file not brought is downloaded again.
   */
  async withWorkingCopy<T>(work: (dir: string, bringLocal: (file: string | 'all') => Promise<void>) => Promise<T>): Promise<T> {
    const scratch = await fs.mkdtemp(join(this.dir, '.work-'));
    const before = new Map<string, string>();
    const copying = new Map<string, Promise<void>>();
    const trusted = new Set(await this.trustedFiles());
    const copy = (name: string): Promise<void> => {
      let pending = copying.get(name);
      if (!pending) {
        pending = (async () => {
          if (!trusted.has(name)) return;
          const bytes = await fs.readFile(join(this.dir, name));
          await fs.writeFile(join(scratch, name), bytes);
          before.set(name, hash(bytes));
        })();
        copying.set(name, pending);
      }
      return pending;
    };
    const bringLocal = async (file: string | 'all') => {
      if (file === 'all') await Promise.all([...trusted].map(copy));
      else await copy(file);
    };
    try {
      await Promise.all([...trusted].filter((name) => TOP_LEVEL_FILES.has(name)).map(copy));
      try {
        return await work(scratch, bringLocal);
      } finally {
        await Promise.allSettled(copying.values());
        for (const name of await fs.readdir(scratch)) {
          if (!name.endsWith('.json')) continue;
          const bytes = await fs.readFile(join(scratch, name));
          if (before.get(name) !== hash(bytes)) await writeFileAtomic(join(this.dir, name), bytes);
        }
      }
    } finally {
      await fs.rm(scratch, { recursive: true, force: true });
    }
  }

  private async trustedFiles(): Promise<string[]> {
    return (await fs.readdir(this.dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.'));
  }
}

/** A stable directory name for a trust repository: its location and pinned root. */
export function trustedStateId(location: string, pinnedRoot: Uint8Array): string {
  return createHash('sha256').update(location).update('\n').update(pinnedRoot).digest('hex').slice(0, 32);
}

function hash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function safeVersion(bytes: Uint8Array): number {
  try {
    return parseRoot(bytes, 'trusted root').signed.version;
  } catch {
    return 0;
  }
}
