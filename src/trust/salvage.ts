// Loading a trust repository whose current timestamp or snapshot a writer
// with push rights broke (a version of 2^53+1, garbage, a bad signature):
// rebuild on the newest state that still verifies, so `signet repair` and
// `signet root publish` can re-sign snapshot and timestamp over it.
// Nothing unverified is built on (issue 12, finding 6).

import type { Envelope, RootJSON, SnapshotJSON, TimestampJSON } from '../metadata/types.js';
import { parseEnvelope } from '../metadata/types.js';
import { checkThreshold, requireThreshold } from '../metadata/signing.js';
import { requireSafeIntegers } from '../metadata/safe-integers.js';
import { SPEC_VERSION } from '../metadata/types.js';
import { metadataFileName, type MetadataStore } from '../store/metadata-store.js';
import { loadLatestRoot } from './root-chain.js';
import { checkMetaFile, checkVersion, metaFileFor, roleKeys } from './metadata-files.js';
import { TrustRepository } from './trust-repository.js';
import { VerificationError } from '../errors.js';
import { LIMITS } from '../limits.js';

/** Snapshot versions tried, newest first, before giving up. */
const MAX_SNAPSHOTS_TRIED = 64;

export interface SalvagedRepository {
  repo: TrustRepository;
  /** What did not load and is replaced by the next publish: `timestamp`, `snapshot`. */
  replaced: Array<'timestamp' | 'snapshot'>;
  /** Why, one line per replaced file. */
  reasons: string[];
}

/**
 * Load `store` like TrustRepository.load, except that a timestamp that does
 * not load is replaced, and a snapshot that does not load is replaced by the
 * newest `N.snapshot.json` that parses and meets the root's snapshot
 * threshold (with a targets file matching it). The caller marks the snapshot
 * dirty and publishes: both are then re-signed with fresh versions.
 *
 * A replaced timestamp continues from the current Unix time in seconds (or
 * the snapshot version, if larger): above any version an honest hourly cron
 * reaches, so every verifier accepts it, yet far below 2^53.
 */
export async function loadSalvaging(store: MetadataStore, pinned: Envelope<RootJSON>, now: Date, seenTimestamp = 0): Promise<SalvagedRepository> {
  const root = await loadLatestRoot(store, pinned);
  const reasons: string[] = [];
  let timestamp: Envelope<TimestampJSON> | undefined;
  try {
    timestamp = await loadTimestamp(store, root);
  } catch (error) {
    reasons.push(`timestamp.json: ${messageOf(error)}`);
  }
  const named = timestamp?.signed.meta['snapshot.json'];
  let snapshot: { envelope: Envelope<SnapshotJSON>; bytes: Uint8Array } | undefined;
  if (named) {
    try {
      snapshot = await loadSnapshot(store, root, named.version, named);
    } catch (error) {
      reasons.push(`${metadataFileName('snapshot', named.version)}: ${messageOf(error)}`);
    }
  }
  const replaced: Array<'timestamp' | 'snapshot'> = [];
  if (!snapshot) {
    snapshot = await newestGoodSnapshot(store, root, named?.version);
    // Replaced only when the one the timestamp named was bad (not when there was no timestamp to name one).
    if (named) replaced.push('snapshot');
  }
  if (!timestamp || !named || named.version !== snapshot.envelope.signed.version) {
    // Above every version a verifier or this machine may have seen: the broken one cannot be read, so
    // the clock stands in for it, and this machine's publish memory (`seenTimestamp`) for the ones
    // published within the same second.
    const version = Math.max(timestamp?.signed.version ?? 0, snapshot.envelope.signed.version, Math.floor(now.getTime() / 1000), seenTimestamp);
    timestamp = {
      signed: { _type: 'timestamp', spec_version: SPEC_VERSION, version, expires: now.toISOString(), meta: { 'snapshot.json': metaFileFor(snapshot.envelope.signed.version, snapshot.bytes) } },
      signatures: [],
    };
    replaced.unshift('timestamp');
  }
  const repo = await TrustRepository.assemble(store, root, timestamp, snapshot.envelope);
  return { repo, replaced, reasons };
}

async function loadTimestamp(store: MetadataStore, root: Envelope<RootJSON>): Promise<Envelope<TimestampJSON>> {
  const bytes = await store.get('timestamp.json', LIMITS.timestampBytes);
  if (bytes === undefined) throw new VerificationError('missing-metadata', 'missing');
  requireSafeIntegers(bytes, 'timestamp.json');
  const timestamp = parseEnvelope<TimestampJSON>(bytes, 'timestamp', 'timestamp.json');
  requireThreshold(checkThreshold('timestamp', timestamp, root.signed.keys, roleKeys(root, 'timestamp')));
  if (!timestamp.signed.meta['snapshot.json']) throw new VerificationError('metadata-format', 'does not list snapshot.json');
  return timestamp;
}

async function loadSnapshot(
  store: MetadataStore,
  root: Envelope<RootJSON>,
  version: number,
  meta?: { length?: number; hashes?: Record<string, string> },
): Promise<{ envelope: Envelope<SnapshotJSON>; bytes: Uint8Array }> {
  const name = metadataFileName('snapshot', version);
  const bytes = await store.get(name, LIMITS.snapshotBytes);
  if (bytes === undefined) throw new VerificationError('missing-metadata', 'missing');
  if (meta) checkMetaFile('snapshot', meta, bytes);
  requireSafeIntegers(bytes, name);
  const envelope = parseEnvelope<SnapshotJSON>(bytes, 'snapshot', name);
  requireThreshold(checkThreshold('snapshot', envelope, root.signed.keys, roleKeys(root, 'snapshot')));
  checkVersion('snapshot', envelope.signed.version, version);
  if (!envelope.signed.meta['targets.json']) throw new VerificationError('metadata-format', 'does not list targets.json');
  return { envelope, bytes };
}

/** The newest `N.snapshot.json` (below `below`, when the one named was bad) that loads. */
async function newestGoodSnapshot(store: MetadataStore, root: Envelope<RootJSON>, below?: number) {
  const versions = (await store.list())
    .map((name) => /^(\d{1,15})\.snapshot\.json$/.exec(name)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number)
    .filter((v) => below === undefined || v < below)
    .sort((a, b) => b - a)
    .slice(0, MAX_SNAPSHOTS_TRIED);
  for (const version of versions) {
    try {
      return await loadSnapshot(store, root, version);
    } catch {
      // Broken too: try the one before.
    }
  }
  throw new VerificationError('no-good-snapshot', `${store.location} has no snapshot that verifies under root v${root.signed.version}; restore one from a backup, or start a new repository`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
