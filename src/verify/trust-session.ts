// One verification session against one trust repository: a tuf-js Updater
// (the only TUF client in signet) over our store fetcher, refreshed once,
// then any number of target lookups, which may run at the same time (each
// classifies its own failures). Trusted state persists across runs.

import type { TargetFile, Updater } from 'tuf-js';
import type { MetadataStore } from '../store/metadata-store.js';
import { StoreFetcher } from './store-fetcher.js';
import { createUpdater, trustedExpiries, updaterFor } from './updater.js';
import { sha256Hex } from '../metadata/digest.js';
import { TrustedState } from './trusted-state.js';
import { classifyTufError } from './tuf-errors.js';
import { findRevocation, type FoundRevocation } from './revocation-lookup.js';
import { LIMITS } from '../limits.js';
import { join } from 'node:path';
import { readFileBounded } from '../store/atomic-file.js';
import { parseRoot } from '../trust/root-chain.js';
import { metadataFileName } from '../store/metadata-store.js';
import { binFor } from '../trust/succinct-bins.js';
import type { DelegationsJSON, SuccinctRolesJSON } from '../metadata/types.js';

export interface TrustSource {
  store: MetadataStore;
  /** The explicitly pinned root (any version of this repository's root). */
  pinnedRoot: Uint8Array;
  /** SIGNET_HOME, where the trusted state lives. */
  home: string;
  /**
   * The host-less repository name whose memory this is, where one root
   * serves a repository per image ('' when the repository is the whole
   * store). See `resolveTrust` and SECURITY.md "Trusted state identity".
   */
  scope?: string;
}

export interface TargetInfo {
  name: string;
  length: number;
  hashes: Record<string, string>;
  custom: Record<string, unknown>;
  /** The role whose verified targets metadata lists it (`targets`, a delegated role or a bin). */
  role?: string;
}

export interface TrustSession {
  /** The signed target called `name`, or undefined when no trusted role signs it. */
  lookup(name: string): Promise<TargetInfo | undefined>;
  /** Why `name` is no longer signed, when a trusted role recorded its revocation (see revocation-lookup.ts). */
  revocationOf(name: string): Promise<FoundRevocation | undefined>;
  /** Metadata bytes received from the store so far. */
  bytesDownloaded(): number;
  /**
   * When each role the session trusts expires (delegated roles once a lookup
   * loaded them). tuf-js checks expiry against the time the session started;
   * a session kept open longer checks these against each decision's time.
   */
  expiries(): Map<string, Date>;
  /**
   * What every lookup's answer depends on: the trusted root and the
   * snapshot's record (version, length, hashes) of every targets role. Two
   * sessions of one repository with the same tree verify the same bytes
   * under the same keys, so they answer every lookup alike.
   */
  treeId(): string;
  /**
   * Write what the refresh verified back to the trusted state now, instead
   * of only when the session ends (a session kept open: the admission
   * gate). Call it before any lookup runs.
   */
  persist(): Promise<void>;
  readonly location: string;
}

/** Refresh trusted metadata (TUF 5.3–5.5), then run `work` with lookups (TUF 5.6). */
export async function withTrustSession<T>(source: TrustSource, work: (session: TrustSession) => Promise<T>): Promise<T> {
  // Keyed by the repository's identity (root chain + scope), never by its location.
  const state = await TrustedState.open(source.home, source.pinnedRoot, source.store, source.scope ?? '');
  await state.ensureRoot(source.pinnedRoot);
  return state.withWorkingCopy(async (dir, bringLocal, writeBackNow) => {
    const fetcher = new StoreFetcher(source.store);
    const location = source.store.location;
    const rootBefore = await trustedRoot(dir);
    let updater: Updater;
    try {
      // The constructor loads the pinned root and checks its own threshold (TUF 5.2).
      updater = createUpdater(dir, fetcher);
      await updater.refresh();
    } catch (error) {
      throw classifyTufError(error, fetcher, location);
    } finally {
      // Index the roots this refresh verified, so a pin replaced by one of them finds this state.
      const rootAfter = await trustedRoot(dir);
      if (rootBefore && rootAfter) await state.recordRoots(rootBefore, rootAfter, fetcher.fetched).catch(() => undefined);
    }
    const prepare = localRolesFor(dir, bringLocal);
    let tree: string | undefined;
    const session: TrustSession = {
      location,
      bytesDownloaded: () => fetcher.bytesDownloaded,
      revocationOf: (name) => findRevocation(dir, name),
      expiries: () => trustedExpiries(updater),
      treeId: () => (tree ??= treeIdOf(updater)),
      persist: writeBackNow,
      lookup: async (name) => {
        let info: TargetFile | undefined;
        // Lookups may run at once: each gets its own failure record (see StoreFetcher.forOperation).
        const own = fetcher.forOperation();
        try {
          await prepare(name);
          info = await updaterFor(updater, own).getTargetInfo(name);
        } catch (error) {
          throw classifyTufError(error, own, location);
        }
        if (!info) return undefined;
        const found: TargetInfo = { name, length: info.length, hashes: { ...info.hashes }, custom: { ...(info.custom ?? {}) } };
        const role = signingRoleOf(updater, name, info);
        if (role !== undefined) found.role = role;
        return found;
      },
    };
    return work(session);
  });
}

/** See TrustSession.treeId: fixed once the refresh is done (lookups load roles, never a new root or snapshot). */
function treeIdOf(updater: Updater): string {
  const set = (updater as unknown as { trustedSet?: { root?: { signed: { toJSON(): unknown } }; snapshot?: { signed: { toJSON(): { meta?: unknown } } } } }).trustedSet;
  // An internal invariant of the pinned tuf-js: refuse to guess.
  if (!set?.root || !set.snapshot) throw new Error('tuf-js trusted set not found: the pinned tuf-js version changed its layout');
  return sha256Hex(new TextEncoder().encode(JSON.stringify({ root: set.root.signed.toJSON(), meta: set.snapshot.signed.toJSON().meta })));
}

async function trustedRoot(dir: string) {
  try {
    const bytes = await readFileBounded(join(dir, 'root.json'), LIMITS.rootBytes);
    return bytes === undefined ? undefined : parseRoot(bytes, 'trusted root');
  } catch {
    return undefined;
  }
}

/** The view of tuf-js's trusted set that signingRoleOf reads (a private field of Updater in tuf-js 6). */
interface TrustedSetView {
  getRole(name: string): { signed?: { targets?: Record<string, unknown> } } | undefined;
  snapshot?: { signed: { meta: Record<string, unknown> } };
}

/**
 * Which verified role `info` came from. tuf-js's walk (TUF 5.6.7) returns the
 * very TargetFile object held in the role that listed it, so the role is
 * found by identity among the roles tuf-js verified: no second walk, no
 * second trust decision, and no ambiguity when two roles list the same name.
 */
function signingRoleOf(updater: Updater, name: string, info: TargetFile): string | undefined {
  const set = (updater as unknown as { trustedSet?: TrustedSetView }).trustedSet;
  if (!set) return undefined;
  const holds = (role: string) => {
    const targets = set.getRole(role)?.signed?.targets;
    return targets !== undefined && Object.hasOwn(targets, name) && targets[name] === info;
  };
  if (holds('targets')) return 'targets';
  for (const file of Object.keys(set.snapshot?.signed.meta ?? {})) {
    const role = file.endsWith('.json') ? file.slice(0, -'.json'.length) : file;
    if (role !== 'targets' && holds(role)) return role;
  }
  return undefined;
}

/**
 * Before a lookup of `name`, bring the trusted copy of the metadata tuf-js
 * will walk into the working copy: with hashed bins only the one bin `name`
 * hashes to; with other delegations, everything (the walk is not predictable).
 * `targets.json` in `dir` is the copy tuf-js verified during refresh.
 */
function localRolesFor(dir: string, bringLocal: (file: string | 'all') => Promise<void>): (name: string) => Promise<void> {
  let layout: Promise<SuccinctRolesJSON | 'other' | 'none'> | undefined;
  const readLayout = async () => {
    const bytes = await readFileBounded(join(dir, 'targets.json'), LIMITS.targetsBytes);
    if (bytes === undefined) return 'other';
    const doc = JSON.parse(bytes.toString('utf8')) as { signed?: { delegations?: DelegationsJSON } };
    const delegations = doc.signed?.delegations;
    if (!delegations) return 'none';
    if (delegations.succinct_roles && !(delegations.roles ?? []).length) return delegations.succinct_roles;
    return 'other';
  };
  return async (name) => {
    layout ??= readLayout().catch(() => 'other' as const);
    const found = await layout;
    if (found === 'none') return;
    if (found === 'other') return bringLocal('all');
    return bringLocal(metadataFileName(binFor(found, name)));
  };
}
