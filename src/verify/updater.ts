// The one way signet builds a tuf-js Updater (its only TUF client): over a
// StoreFetcher, with the byte limits and loop caps from LIMITS. Used by
// `signet verify` (trust sessions) and `signet tuf` (general TUF client).

import { Updater } from 'tuf-js';
import { STORE_BASE_URL, TARGETS_BASE_URL, type StoreFetcher } from './store-fetcher.js';
import { LIMITS } from '../limits.js';

/**
 * An Updater whose trusted metadata lives in `metadataDir` (which must hold
 * a trusted root.json). Targets, when the fetcher has a target source, are
 * downloaded as `<hash>.<name>` under consistent snapshots (TUF 5.7.3).
 */
export function createUpdater(metadataDir: string, fetcher: StoreFetcher): Updater {
  return new Updater({
    metadataDir,
    metadataBaseUrl: STORE_BASE_URL,
    targetBaseUrl: TARGETS_BASE_URL,
    fetcher,
    config: {
      maxRootRotations: LIMITS.maxRootRotations,
      maxDelegations: LIMITS.maxDelegations,
      rootMaxLength: LIMITS.rootBytes,
      timestampMaxLength: LIMITS.timestampBytes,
      snapshotMaxLength: LIMITS.snapshotBytes,
      targetsMaxLength: LIMITS.targetsBytes,
      prefixTargetsWithHash: true,
    },
  });
}
