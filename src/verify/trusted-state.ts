// The verifier's trusted state for one trust repository, under
// SIGNET_HOME/trusted/<id>/: the newest verified root, timestamp, snapshot and
// targets. It starts from an explicitly pinned root, never from the network,
// and is found by the repository's identity (repository-identity.ts), never
// by the spelling of the location that serves it. tuf-js writes into a
// private working copy (see working-copy.ts).

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { readFileBounded, writeFileAtomic } from '../store/atomic-file.js';
import { withWorkingCopy, type BringLocal, type WriteBackNow } from './working-copy.js';
import { withFileLock } from '../store/file-lock.js';
import { RootIndex, stateIdOf } from './repository-identity.js';
import { parseRoot } from '../trust/root-chain.js';
import type { Envelope, RootJSON } from '../metadata/types.js';
import type { MetadataStore } from '../store/metadata-store.js';
import { LIMITS } from '../limits.js';

/** Held while trusted files are compared and written back (never during network I/O). */
const LOCK_NAME = '.state.lock';
const TOP_LEVEL_FILES = new Set(['root.json', 'timestamp.json', 'snapshot.json', 'targets.json']);

/**
 * Concurrency contract: any number of verifiers, in one process or many,
 * may use the same state at once (the admission server runs many lookups
 * over one SIGNET_HOME). Each session works on its own copy; write-backs and
 * root installs take the state's lock and never lower a remembered version.
 */
export class TrustedState {
  readonly dir: string;
  /** The root chain this state belongs to (see RootIndex), when opened by identity. */
  readonly chain: string | undefined;

  /** `id` names the state directory: see `TrustedState.open`. */
  constructor(home: string, id: string, chain?: string) {
    this.dir = join(home, 'trusted', id);
    this.chain = chain;
  }

  /**
   * The state of the trust repository `pinnedRoot` belongs to: its root chain
   * (connected through `store`'s roots when the pin is new to this machine)
   * and `scope`, the host-less repository name where one root serves a
   * repository per image ('' otherwise). A state kept under the old
   * location-and-pin key is carried over once. Throws what RootIndex.chainOf throws.
   */
  static async open(home: string, pinnedRoot: Uint8Array, store: MetadataStore, scope: string): Promise<TrustedState> {
    const pin = parseRoot(pinnedRoot, 'pinned root');
    const index = new RootIndex(join(home, 'trusted'));
    const chain = await index.chainOf(pin, store);
    const state = new TrustedState(home, stateIdOf(chain, scope), chain);
    await adoptLegacyState(join(home, 'trusted', legacyStateId(store.location, pinnedRoot)), state.dir);
    return state;
  }

  /**
   * Make sure the state starts from `pinnedRoot`: when there is no trusted
   * root yet, or the pin is a newer version than what we trust, install it.
   */
  async ensureRoot(pinnedRoot: Uint8Array): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const pinnedVersion = parseRoot(pinnedRoot, 'pinned root').signed.version;
    const trustsAtLeastPin = async () => {
      const current = await readFileBounded(join(this.dir, 'root.json'), LIMITS.rootBytes);
      return current !== undefined && safeVersion(current) >= pinnedVersion;
    };
    // The usual case needs no lock; a write is decided again under it.
    if (await trustsAtLeastPin()) return;
    await withFileLock(join(this.dir, LOCK_NAME), async () => {
      if (!(await trustsAtLeastPin())) await writeFileAtomic(join(this.dir, 'root.json'), pinnedRoot);
    });
  }

  /**
   * Run `work` on a scratch copy of the state (see `withWorkingCopy`). Only
   * the top-level roles are copied up front; `work` brings in the delegated
   * roles (bins) a lookup needs with `bringLocal`.
   */
  async withWorkingCopy<T>(work: (dir: string, bringLocal: BringLocal, writeBackNow: WriteBackNow) => Promise<T>): Promise<T> {
    return withWorkingCopy(this.dir, work, {
      upFront: (name) => TOP_LEVEL_FILES.has(name),
      exclusive: (writeBack) => withFileLock(join(this.dir, LOCK_NAME), writeBack),
    });
  }

  /**
   * Remember the roots a refresh verified, from `from` (trusted before it)
   * up to `to` (trusted after it), so a pin replaced by any of them finds
   * this state again. `fetched` holds the `N.root.json` bytes the refresh
   * received; each step is verified again before it is recorded.
   */
  async recordRoots(from: Envelope<RootJSON>, to: Envelope<RootJSON>, fetched: ReadonlyMap<string, Uint8Array>): Promise<void> {
    if (this.chain === undefined || to.signed.version <= from.signed.version) return;
    await new RootIndex(join(this.dir, '..')).extend(this.chain, from, to, {
      location: 'the verified refresh',
      get: async (name) => fetched.get(name),
    });
  }
}

/** The key of states written before trusted state followed repository identity. */
export function legacyStateId(location: string, pinnedRoot: Uint8Array): string {
  return createHash('sha256').update(location).update('\n').update(pinnedRoot).digest('hex').slice(0, 32);
}

/** Copy the trusted files of an old location-keyed state into a state that does not exist yet. */
async function adoptLegacyState(legacy: string, dir: string): Promise<void> {
  if (await fs.lstat(dir).then(() => true, () => false)) return;
  let names: string[];
  try {
    names = (await fs.readdir(legacy)).filter((n) => n.endsWith('.json') && !n.startsWith('.'));
  } catch {
    return;
  }
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  for (const name of names) {
    const bytes = await readFileBounded(join(legacy, name), LIMITS.targetsBytes, { refuseSymlink: true }).catch(() => undefined);
    if (bytes !== undefined) await writeFileAtomic(join(dir, name), bytes);
  }
}

function safeVersion(bytes: Uint8Array): number {
  try {
    return parseRoot(bytes, 'trusted root').signed.version;
  } catch {
    return 0;
  }
}
