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

/**
 * An Updater for one operation: it shares `updater`'s trusted set (the roles
 * already verified) and fetches through `fetcher` (an operation's view, see
 * StoreFetcher.forOperation), so failures land in that operation's record.
 * tuf-js 6 (pinned exactly) reads its fetcher from the `fetcher` field and
 * assigns fields only in its constructor, so a prototype view is enough.
 */
export function updaterFor(updater: Updater, fetcher: StoreFetcher): Updater {
  const view = Object.create(updater) as Updater;
  Object.defineProperty(view, 'fetcher', { value: fetcher, enumerable: true });
  return view;
}

/** The expiry of every role `updater` holds as trusted (root, timestamp, snapshot, targets, delegated roles loaded so far). */
export function trustedExpiries(updater: Updater): Map<string, Date> {
  const store = (updater as unknown as { trustedSet?: { trustedSet?: Record<string, object | undefined> } }).trustedSet;
  const roles = store?.trustedSet;
  // An internal invariant of the pinned tuf-js: without it no decision can be checked for freshness.
  if (!roles || typeof roles !== 'object') throw new Error('tuf-js trusted set not found: the pinned tuf-js version changed its layout');
  const out = new Map<string, Date>();
  for (const [role, metadata] of Object.entries(roles)) {
    if (!metadata) continue;
    let expires = parsedExpiry.get(metadata);
    if (expires === undefined) {
      const text = (metadata as { signed?: { expires?: unknown } }).signed?.expires;
      // An unreadable expiry counts as expired (epoch): fail closed.
      expires = new Date(typeof text === 'string' ? text : 0);
      if (Number.isNaN(expires.getTime())) expires = new Date(0);
      parsedExpiry.set(metadata, expires);
    }
    out.set(role, expires);
  }
  return out;
}

/** Parsed once per loaded metadata object (an admission server asks for every decision). */
const parsedExpiry = new WeakMap<object, Date>();
