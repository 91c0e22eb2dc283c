// `signet timestamp` (cron: keep the repository fresh) and `signet status`
// (what expires when, warnings within a horizon). Both work on one trust
// repository chosen like the other repository-level commands.

import { TrustRepository } from '../trust/trust-repository.js';
import { updateRepository } from '../trust/update-repository.js';
import { refreshMetadata, type RefreshPlan } from '../trust/freshness.js';
import { repositoryStatus, type RepositoryStatus } from '../trust/repository-status.js';
import { resolveRepository, type RepositoryOptions } from './resolve-repository.js';
import { publishMemoryFor, type SignetContext } from './context.js';

export interface TimestampOptions extends RepositoryOptions {
  snapshotWithinSeconds?: number;
  roles?: string[];
}

export interface TimestampReport extends RefreshPlan {
  trustRepository: string;
  /** Version and expiry of each role after the refresh. */
  roles: Array<{ role: string; version: number; expires?: string }>;
}

export async function refreshTimestampWorkflow(options: TimestampOptions, ctx: SignetContext): Promise<TimestampReport> {
  const trust = await resolveRepository(options, ctx);
  const signers = ctx.keys.signers;
  const plan = await updateRepository(trust.store, trust.pinnedRoot, { signers, now: ctx.now, memory: publishMemoryFor(ctx, trust.store) }, (repo) =>
    refreshMetadata(repo, {
      now: ctx.now,
      signers,
      ...(options.snapshotWithinSeconds !== undefined ? { snapshotWithinSeconds: options.snapshotWithinSeconds } : {}),
      ...(options.roles ? { roles: options.roles } : {}),
    }),
  );
  const status = await repositoryStatus(await TrustRepository.load(trust.store, trust.pinnedRoot), { now: ctx.now, horizonSeconds: 0 });
  const roles = status.roles.filter((r) => plan.resigned.includes(r.role)).map((r) => ({ role: r.role, version: r.version, ...(r.expires ? { expires: r.expires } : {}) }));
  return { ...plan, trustRepository: trust.store.location, roles };
}

export async function statusWorkflow(options: RepositoryOptions & { horizonSeconds: number }, ctx: SignetContext): Promise<RepositoryStatus> {
  const trust = await resolveRepository(options, ctx);
  return repositoryStatus(await TrustRepository.load(trust.store, trust.pinnedRoot), { now: ctx.now, horizonSeconds: options.horizonSeconds });
}
