// One verification session against one trust repository: a tuf-js Updater
// (the only TUF client in signet) over our store fetcher, refreshed once,
// then any number of target lookups. Trusted state persists across runs.

import type { TargetFile, Updater } from 'tuf-js';
import type { MetadataStore } from '../store/metadata-store.js';
import { StoreFetcher } from './store-fetcher.js';
import { createUpdater } from './updater.js';
import { TrustedState, trustedStateId } from './trusted-state.js';
import { classifyTufError } from './tuf-errors.js';
import { findRevocation, type FoundRevocation } from './revocation-lookup.js';

export interface TrustSource {
  store: MetadataStore;
  /** The explicitly pinned root (any version of this repository's root). */
  pinnedRoot: Uint8Array;
  /** SIGNET_HOME, where the trusted state lives. */
  home: string;
}

export interface TargetInfo {
  name: string;
  length: number;
  hashes: Record<string, string>;
  custom: Record<string, unknown>;
}

export interface TrustSession {
  /** The signed target called `name`, or undefined when no trusted role signs it. */
  lookup(name: string): Promise<TargetInfo | undefined>;
  /** Why `name` is no longer signed, when a trusted role recorded its revocation (see revocation-lookup.ts). */
  revocationOf(name: string): Promise<FoundRevocation | undefined>;
  /** Metadata bytes received from the store so far. */
  bytesDownloaded(): number;
  readonly location: string;
}

/** Refresh trusted metadata (TUF 5.3–5.5), then run `work` with lookups (TUF 5.6). */
export async function withTrustSession<T>(source: TrustSource, work: (session: TrustSession) => Promise<T>): Promise<T> {
  const state = new TrustedState(source.home, trustedStateId(source.store.location, source.pinnedRoot));
  await state.ensureRoot(source.pinnedRoot);
  return state.withWorkingCopy(async (dir) => {
    const fetcher = new StoreFetcher(source.store);
    const location = source.store.location;
    let updater: Updater;
    try {
      // The constructor loads the pinned root and checks its own threshold (TUF 5.2).
      updater = createUpdater(dir, fetcher);
      await updater.refresh();
    } catch (error) {
      throw classifyTufError(error, fetcher, location);
    }
    const session: TrustSession = {
      location,
      bytesDownloaded: () => fetcher.bytesDownloaded,
      revocationOf: (name) => findRevocation(dir, name),
      lookup: async (name) => {
        let info: TargetFile | undefined;
        fetcher.beginOperation();
        try {
          info = await updater.getTargetInfo(name);
        } catch (error) {
          throw classifyTufError(error, fetcher, location);
        }
        if (!info) return undefined;
        return { name, length: info.length, hashes: { ...info.hashes }, custom: { ...(info.custom ?? {}) } };
      },
    };
    return work(session);
  });
}
