// Which trusted state a verification uses: the trust repository's identity,
// never the spelling of its location. The identity is the root chain (every
// root version this machine has verified, indexed by fingerprint) plus a
// host-less scope where one root serves a repository per image. SECURITY.md
// "Trusted state identity" describes the design and its limits.

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { canonicalBytes } from '../metadata/canonical-json.js';
import type { Envelope, RootJSON } from '../metadata/types.js';
import { metadataFileName, type MetadataStore } from '../store/metadata-store.js';
import { readFileBounded } from '../store/atomic-file.js';
import { parseRoot, verifyRootUpdate } from '../trust/root-chain.js';
import { InconclusiveError } from '../errors.js';
import { LIMITS } from '../limits.js';

/** Chains examined when connecting an unknown pin (a machine trusts a handful of repositories). */
const MAX_CHAINS_EXAMINED = 256;

/** A root's fingerprint: sha256 of its canonical `signed` part (signature sets may differ). */
export function rootFingerprint(root: Envelope<RootJSON>): string {
  return createHash('sha256').update(canonicalBytes(root.signed)).digest('hex');
}

/** The state directory name for `scope` of `chain` (see `RootIndex`). */
export function stateIdOf(chain: string, scope: string): string {
  return createHash('sha256').update(`signet-trusted-state\n${chain}\n${scope}`).digest('hex').slice(0, 32);
}

/**
 * The index of root chains under SIGNET_HOME/trusted:
 *   roots/<fingerprint>          → the chain id that root belongs to
 *   chains/<chain>/N.root.json   → root version N of that chain, as verified
 * A root enters a chain only when it was pinned by the operator as the start
 * of a new chain, or verified by a threshold of the chain's previous root
 * (TUF 5.3.4) — by tuf-js during a refresh, or here when connecting a pin.
 * Entries are write-once, so concurrent verifiers can share the index.
 */
export class RootIndex {
  private readonly base: string;

  constructor(trustedDir: string) {
    this.base = trustedDir;
  }

  /**
   * The chain `pin` belongs to. An unknown pin is connected to a known chain
   * when the store serves verified roots leading from that chain's newest
   * root to exactly the pin; otherwise it starts a new chain. Throws
   * InconclusiveError('root-chain-unconnected') when the pin shares signing
   * keys with a known chain, yet the store does not connect them:
   * starting afresh would forget that repository's rollback memory. A pin
   * older than the chain's roots joins it when the store leads from the pin to
   * one of them.
   */
  async chainOf(pin: Envelope<RootJSON>, store: MetadataStore): Promise<string> {
    const fingerprint = rootFingerprint(pin);
    const known = await this.lookup(fingerprint);
    if (known !== undefined) return known;
    const related: Array<{ chain: string; versions: string }> = [];
    for (const chain of await this.chains()) {
      const roots = await this.rootsOf(chain);
      if (roots.length === 0 || !sharesSigningKeys(pin, roots)) continue;
      // Same version, another fingerprint: a fork or another repository, not this chain.
      if (roots.some((root) => root.signed.version === pin.signed.version)) continue;
      const newest = roots.at(-1)!;
      const later = roots.find((root) => root.signed.version > pin.signed.version);
      // A newer pin must be reached from the chain; an older pin must reach it.
      const path = later ? await connect(pin, later, store) : await connect(newest, pin, store);
      if (path) {
        for (const root of later ? [pin, ...path] : path) await this.record(chain, root);
        return (await this.lookup(fingerprint)) ?? chain;
      }
      related.push({ chain, versions: `v${roots[0]!.signed.version}–v${newest.signed.version}` });
    }
    if (related.length > 0) {
      const [first] = related;
      throw new InconclusiveError(
        'root-chain-unconnected',
        `the pinned root v${pin.signed.version} shares keys with a trust repository whose roots ${first!.versions} this machine has verified, but ${store.location} does not serve the N.root.json files that connect the pin to them; ` +
          `verify once against a store that has every root version, or, if this really is another repository, remove ${join(this.base, 'chains', first!.chain)}`,
      );
    }
    const chain = fingerprint.slice(0, 32);
    await this.record(chain, pin);
    return (await this.lookup(fingerprint)) ?? chain;
  }

  /** Remember `root` (already verified as part of `chain`). First writer wins for a fingerprint. */
  async record(chain: string, root: Envelope<RootJSON>): Promise<void> {
    await fs.mkdir(join(this.base, 'roots'), { recursive: true, mode: 0o700 });
    await fs.mkdir(join(this.base, 'chains', chain), { recursive: true, mode: 0o700 });
    // Index entries need no fsync: a torn or lost one only makes a pin unknown
    // again (connected anew, or refused), never maps it to another chain.
    await writeOnce(join(this.base, 'chains', chain, metadataFileName('root', root.signed.version)), canonicalBytes(root));
    await writeOnce(join(this.base, 'roots', rootFingerprint(root)), Buffer.from(chain));
  }

  /** Record the roots after `from` up to `to` that `source` serves, each verified by the one before. */
  async extend(chain: string, from: Envelope<RootJSON>, to: Envelope<RootJSON>, source: RootSource): Promise<void> {
    const path = await connect(from, to, source);
    for (const root of path ?? [to]) await this.record(chain, root);
  }

  private async lookup(fingerprint: string): Promise<string | undefined> {
    const bytes = await readFileBounded(join(this.base, 'roots', fingerprint), 256, { refuseSymlink: true });
    const chain = bytes?.toString('utf8').trim();
    return chain && /^[0-9a-f]{32}$/.test(chain) ? chain : undefined;
  }

  private async chains(): Promise<string[]> {
    try {
      const names = await fs.readdir(join(this.base, 'chains'));
      return names.filter((n) => /^[0-9a-f]{32}$/.test(n)).sort().slice(0, MAX_CHAINS_EXAMINED);
    } catch {
      return [];
    }
  }

  /** The verified roots of `chain`, oldest first. */
  private async rootsOf(chain: string): Promise<Array<Envelope<RootJSON>>> {
    const dir = join(this.base, 'chains', chain);
    const roots: Array<Envelope<RootJSON>> = [];
    for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
      if (!/^\d+\.root\.json$/.test(name)) continue;
      try {
        const bytes = await readFileBounded(join(dir, name), LIMITS.rootBytes, { refuseSymlink: true });
        if (bytes) roots.push(parseRoot(bytes, name));
      } catch {
        // A damaged index entry connects nothing.
      }
    }
    return roots.sort((a, b) => a.signed.version - b.signed.version);
  }
}

/**
 * Walk `N.root.json` in `store` from the trusted root `from` to the trusted
 * root `to`, each verified by the previous one (TUF 5.3.4/5.3.5; expiry is not
 * checked on the way, as in TUF 5.3). Returns the roots after `from`, ending
 * with `to`, when the walk lands exactly on `to`; undefined otherwise
 * (a root missing or forged, a fork, too long a walk).
 */
/** Create `path` with `bytes` unless it exists (first writer wins). */
async function writeOnce(path: string, bytes: Uint8Array): Promise<void> {
  try {
    await fs.writeFile(path, bytes, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** Where a walk gets the roots between two trusted ones. */
export type RootSource = Pick<MetadataStore, 'get' | 'location'>;

async function connect(from: Envelope<RootJSON>, to: Envelope<RootJSON>, store: RootSource): Promise<Array<Envelope<RootJSON>> | undefined> {
  if (to.signed.version - from.signed.version > LIMITS.maxRootRotations) return undefined;
  const path: Array<Envelope<RootJSON>> = [];
  let trusted = from;
  try {
    while (trusted.signed.version < to.signed.version) {
      const version = trusted.signed.version + 1;
      const next = version === to.signed.version ? to : await fetchRoot(store, version);
      if (!next) return undefined;
      verifyRootUpdate(trusted, next);
      path.push(next);
      trusted = next;
    }
  } catch {
    return undefined;
  }
  return path;
}

async function fetchRoot(store: RootSource, version: number): Promise<Envelope<RootJSON> | undefined> {
  const name = metadataFileName('root', version);
  const bytes = await store.get(name, LIMITS.rootBytes);
  return bytes === undefined ? undefined : parseRoot(bytes, name);
}

/**
 * Whether metadata trusted under `roots` could verify under `pin`: a key the
 * pin trusts for timestamp, snapshot or targets appears in one of them. Only
 * such a pin could replay that repository's old metadata.
 */
function sharesSigningKeys(pin: Envelope<RootJSON>, roots: ReadonlyArray<Envelope<RootJSON>>): boolean {
  const pinKeys = new Set<string>();
  for (const role of ['timestamp', 'snapshot', 'targets']) {
    const keyids = Object.hasOwn(pin.signed.roles, role) ? pin.signed.roles[role]?.keyids ?? [] : [];
    for (const id of keyids) pinKeys.add(id);
  }
  return roots.some((root) => Object.keys(root.signed.keys).some((id) => pinKeys.has(id)));
}
