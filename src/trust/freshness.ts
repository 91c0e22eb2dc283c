// Keeping published metadata fresh, for a cron job: re-sign the timestamp
// every run, the snapshot when it is about to expire, and any other role the
// operator names (targets and delegated roles with their keys, root with the
// root keys as a new root version). Nothing else changes. The timestamp is
// always refreshed: a snapshot that is due but whose key is not available here
// is reported (`snapshotNotRefreshed`), never a reason to skip the timestamp.

import { isExpired } from '../metadata/expiry.js';
import type { SignerProvider } from '../keys/signer.js';
import type { TrustRepository } from './trust-repository.js';
import { nextRoot, signNextRoot } from './next-root.js';
import { SignetError, UsageError } from '../errors.js';

/** Refresh the snapshot when it expires within this many seconds, unless told otherwise. */
export const DEFAULT_SNAPSHOT_WITHIN_SECONDS = 72 * 3600;

export interface RefreshOptions {
  now: Date;
  signers: SignerProvider;
  /** Re-sign the snapshot when it expires within this many seconds. */
  snapshotWithinSeconds?: number;
  /** Further roles to re-sign: `targets`, a delegated role, `snapshot`, or `root`. */
  roles?: readonly string[];
}

export interface RefreshPlan {
  /** Roles that will be re-signed by the publish, in publish order. */
  resigned: string[];
  /** New root version, when root was refreshed. */
  rootVersion?: number;
  /**
   * The snapshot was due (expired, or expiring within the horizon) but could
   * not be re-signed here: its key or passphrase is missing. The timestamp was
   * still refreshed; the repository stops verifying at `expires`.
   */
  snapshotNotRefreshed?: { expires: string; expired: boolean; reason: string };
}

/** Mark what a refresh re-signs; the caller publishes. */
export async function refreshMetadata(repo: TrustRepository, options: RefreshOptions): Promise<RefreshPlan> {
  const within = options.snapshotWithinSeconds ?? DEFAULT_SNAPSHOT_WITHIN_SECONDS;
  if (!Number.isFinite(within) || within < 0) throw new UsageError('bad-duration', `snapshot horizon must be zero or more seconds, got ${within}`);
  const plan: RefreshPlan = { resigned: [] };
  for (const role of options.roles ?? []) {
    if (role === 'timestamp') continue;
    if (role === 'root') {
      const next = nextRoot(repo.root, options.now, () => undefined);
      await signNextRoot(repo.root, next, options.signers);
      repo.setRoot(next);
      plan.rootVersion = next.signed.version;
      plan.resigned.push('root');
    } else if (role === 'snapshot') {
      repo.markDirty('snapshot');
    } else {
      await repo.role(role);
      repo.markDirty(role);
      plan.resigned.push(role);
    }
  }
  const horizon = new Date(options.now.getTime() + within * 1000);
  const asked = (options.roles ?? []).includes('snapshot') || plan.resigned.some((r) => r !== 'root');
  const due = isExpired(repo.snapshot.signed.expires, horizon);
  // Asked for (or needed by a re-signed targets role): its key must be here.
  // Only due by the clock: re-sign it when its key is here, else report it.
  const unavailable = !asked && due ? await snapshotKeyUnavailable(repo, options.signers) : undefined;
  if (unavailable !== undefined) {
    plan.snapshotNotRefreshed = { expires: repo.snapshot.signed.expires, expired: isExpired(repo.snapshot.signed.expires, options.now), reason: unavailable };
  } else if (asked || due) {
    repo.markDirty('snapshot');
    plan.resigned.push('snapshot');
  }
  repo.markDirty('timestamp');
  plan.resigned.push('timestamp');
  return plan;
}

/** Why the snapshot cannot be signed here (too few keys, no passphrase), or undefined when it can. */
async function snapshotKeyUnavailable(repo: TrustRepository, signers: SignerProvider): Promise<string | undefined> {
  const role = repo.root.signed.roles['snapshot'];
  const keyIds = role?.keyids ?? [];
  const threshold = role?.threshold ?? 1;
  try {
    const found = await signers('snapshot', keyIds);
    if (found.length >= threshold) return undefined;
    return `this keystore holds ${found.length} of the ${threshold} snapshot key(s) needed`;
  } catch (error) {
    // A missing or wrong passphrase is the operator's to fix; anything else is not ours to hide.
    if (error instanceof SignetError && error.kind === 'usage') return error.message;
    throw error;
  }
}
