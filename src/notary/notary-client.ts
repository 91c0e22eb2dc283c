// Loads and verifies one Notary v1 collection (a GUN) from a NotaryFetcher,
// feeding the trusted set in Notary's order: root (walking rotations when the
// pin names an older root), timestamp, snapshot, targets, delegations.

import { SignetError, VerificationError } from '../errors.js';
import { LIMITS } from '../limits.js';
import type { NotaryFetcher, NotaryFileRequest } from './notary-fetcher.js';
import { base64ToHex, parseNotaryEnvelope, type NotaryRootJSON } from './notary-metadata.js';
import type { NotaryPin } from './notary-pin.js';
import { NotaryTrustedSet, type NotaryPreviousVersions } from './notary-trusted-set.js';

/** Failures of a delegated role that notary's client skips the role for (client/tufclient.go downloadTargets). */
const SKIPPED_AS_NOTARY_DOES = new Set(['notary-expired', 'notary-below-threshold', 'notary-bad-threshold']);

export interface LoadNotaryOptions {
  gun: string;
  pin: NotaryPin;
  /** The reference time of the whole operation. */
  now: Date;
  previous?: NotaryPreviousVersions;
  /**
   * The versions trusted in earlier runs for the collection `anchor` names
   * (NotaryTrustedSet.anchor), asked once the root is verified. Overrides `previous`.
   */
  recall?: (anchor: string) => Promise<NotaryPreviousVersions>;
}

export interface NotaryCollection {
  gun: string;
  location: string;
  trusted: NotaryTrustedSet;
  /** Delegated roles skipped because they expired or are below their threshold (Notary skips those too). */
  skippedRoles: Array<{ role: string; reason: string }>;
}

/**
 * Verify the collection. Throws VerificationError when the top-level roles do
 * not verify, InconclusiveError when the source cannot be reached.
 */
export async function loadNotaryCollection(fetcher: NotaryFetcher, options: LoadNotaryOptions): Promise<NotaryCollection> {
  const { gun } = options;
  const trusted = new NotaryTrustedSet(gun, options.pin, options.now, options.previous);
  await loadRoots(fetcher, trusted, gun);
  if (options.recall) trusted.recall(await options.recall(trusted.anchor));

  const timestamp = await required(fetcher, { role: 'timestamp' }, LIMITS.timestampBytes, gun);
  trusted.loadTimestamp(timestamp);
  trusted.loadSnapshot(await byChecksum(fetcher, trusted, 'snapshot', LIMITS.snapshotBytes, gun));
  trusted.loadTargets('targets', await byChecksum(fetcher, trusted, 'targets', LIMITS.targetsBytes, gun));

  const skippedRoles: NotaryCollection['skippedRoles'] = [];
  const queue = trusted.delegationsOf('targets').map((d) => d.name);
  while (queue.length > 0) {
    const role = queue.shift()!;
    if (trusted.targetsRoles.size >= LIMITS.notaryMaxRoles) {
      skippedRoles.push({ role, reason: `more than ${LIMITS.notaryMaxRoles} roles` });
      continue;
    }
    if (!trusted.expectedFile(role)) continue; // delegated but never published
    try {
      trusted.loadTargets(role, await byChecksum(fetcher, trusted, role, LIMITS.targetsBytes, gun));
      queue.push(...trusted.delegationsOf(role).map((d) => d.name));
    } catch (error) {
      // notary skips a delegation only when it expired or has too few valid signatures
      // (ErrExpired, ErrRoleThreshold); anything else (rolled back, bytes that do not
      // match the snapshot, missing, malformed) fails the whole collection, here too.
      if (!(error instanceof VerificationError) || !SKIPPED_AS_NOTARY_DOES.has(error.code)) throw error;
      skippedRoles.push({ role, reason: error.message });
    }
  }
  return { gun, location: fetcher.location, trusted, skippedRoles };
}

/**
 * Load the current root against the pin; when the pin names an older root
 * (the root key was rotated since), walk 1.root.json … N.root.json instead.
 */
async function loadRoots(fetcher: NotaryFetcher, trusted: NotaryTrustedSet, gun: string): Promise<void> {
  const current = await fetcher.get({ role: 'root' }, LIMITS.rootBytes);
  if (current === undefined) {
    throw new VerificationError('notary-no-trust-data', `${fetcher.location} has no trust data for ${gun} (no root.json); was it ever signed with \`docker trust sign\` or \`notary publish\`?`);
  }
  try {
    trusted.loadRoot(current);
    return;
  } catch (error) {
    if (!(error instanceof SignetError) || error.code !== 'notary-root-not-pinned') throw error;
    const latest = parseNotaryEnvelope<NotaryRootJSON>(current, 'Root', `root of ${gun}`).signed.version;
    if (latest <= 1 || latest > LIMITS.maxRootRotations) throw error;
    const first = await fetcher.get({ role: 'root', version: 1 }, LIMITS.rootBytes);
    if (first === undefined) {
      throw new VerificationError(error.code, `${error.message}; ${fetcher.location} keeps no older roots to follow a rotation from the pin (read the collection from its server)`, { cause: error });
    }
    trusted.loadRoot(first, 1);
  }
  const latest = parseNotaryEnvelope<NotaryRootJSON>(current, 'Root', `root of ${gun}`).signed.version;
  for (let version = 2; version < latest; version++) {
    trusted.loadRoot(await required(fetcher, { role: 'root', version }, LIMITS.rootBytes, gun), version);
  }
  trusted.loadRoot(current);
}

/** Fetch the copy a parent role recorded (by sha256), falling back to the current file. */
async function byChecksum(fetcher: NotaryFetcher, trusted: NotaryTrustedSet, role: string, maxBytes: number, gun: string): Promise<Uint8Array> {
  const meta = trusted.expectedFile(role);
  // Fetch up to the role's cap (not the recorded length), so a longer file is reported as a length mismatch.
  const limit = maxBytes;
  const sha256 = meta && Object.hasOwn(meta.hashes, 'sha256') ? base64ToHex(meta.hashes['sha256'] as string) : undefined;
  if (sha256) {
    const exact = await fetcher.get({ role, sha256 }, limit);
    if (exact !== undefined) return exact;
  }
  return required(fetcher, { role }, limit, gun);
}

async function required(fetcher: NotaryFetcher, request: NotaryFileRequest, maxBytes: number, gun: string): Promise<Uint8Array> {
  const bytes = await fetcher.get(request, maxBytes);
  if (bytes === undefined) {
    const name = request.version !== undefined ? `${request.version}.${request.role}.json` : `${request.role}.json`;
    throw new VerificationError('notary-missing-metadata', `${fetcher.location} is missing ${name} of ${gun}`);
  }
  return bytes;
}
