// Keeping published metadata fresh, for a cron job: re-sign the timestamp
// every run, the snapshot when it is about to expire, and any other role the
// operator names (targets and delegated roles with their keys, root with the
// root keys as a new root version). Nothing else changes.

import { isExpired } from '../metadata/expiry.js';
import type { SignerProvider } from '../keys/signer.js';
import type { TrustRepository } from './trust-repository.js';
import { nextRoot, signNextRoot } from './next-root.js';
import { UsageError } from '../errors.js';

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
  const snapshotDue = (options.roles ?? []).includes('snapshot') || isExpired(repo.snapshot.signed.expires, horizon);
  // Any targets role re-signed also re-signs the snapshot.
  if (snapshotDue || plan.resigned.some((r) => r !== 'root')) {
    repo.markDirty('snapshot');
    plan.resigned.push('snapshot');
  }
  repo.markDirty('timestamp');
  plan.resigned.push('timestamp');
  return plan;
}
