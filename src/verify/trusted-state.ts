// The verifier's trusted state for one trust repository, under
// SIGNET_HOME/trusted/<id>/: the newest verified root, timestamp, snapshot and
// targets. It starts from an explicitly pinned root, never from the network.
// tuf-js writes into a private working copy (see working-copy.ts).

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { readFileBounded, writeFileAtomic } from '../store/atomic-file.js';
import { withWorkingCopy, type BringLocal } from './working-copy.js';
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
   * Run `work` on a scratch copy of the state (see `withWorkingCopy`). Only
   * the top-level roles are copied up front; `work` brings in the delegated
   * roles (bins) a lookup needs with `bringLocal`.
   */
  async withWorkingCopy<T>(work: (dir: string, bringLocal: BringLocal) => Promise<T>): Promise<T> {
    return withWorkingCopy(this.dir, work, { upFront: (name) => TOP_LEVEL_FILES.has(name) });
  }
}

/** A stable directory name for a trust repository: its location and pinned root. */
export function trustedStateId(location: string, pinnedRoot: Uint8Array): string {
  return createHash('sha256').update(location).update('\n').update(pinnedRoot).digest('hex').slice(0, 32);
}

function safeVersion(bytes: Uint8Array): number {
  try {
    return parseRoot(bytes, 'trusted root').signed.version;
  } catch {
    return 0;
  }
}
