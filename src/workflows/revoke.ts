// `signet revoke`: remove tags (and the digest targets only they kept), file
// targets, or every target pointing at a digest, then publish once per trust
// repository.
// A bare --digest with no repository chosen is revoked in every repository of
// the trust policy that signs it.

import type { ImageReference } from '../image/image-reference.js';
import { isSha256Digest } from '../metadata/digest.js';
import { updateRepository } from '../trust/update-repository.js';
import { revokeTargets, type RevokedTarget, type RevokeRequest } from '../trust/revoke-targets.js';
import { groupByTrust, trustAddHint, type ResolvedTrust } from './resolve-trust.js';
import { allRepositories, resolveRepository, type RepositoryOptions } from './resolve-repository.js';
import type { ReferenceOptions } from './references.js';
import { revokeItems } from './revoke-names.js';
import { publishMemoryFor, type SignetContext } from './context.js';
import { UsageError } from '../errors.js';

export interface RevokeOptions extends RepositoryOptions, ReferenceOptions {
  /** `sha256:<hex>` digests to revoke wherever they are signed. */
  digests?: string[];
  /** Recorded with each revocation and shown by verify. */
  reason?: string;
}

export interface RevokeReport {
  trustRepository: string;
  revoked: RevokedTarget[];
}

export async function revokeImages(texts: readonly string[], options: RevokeOptions, ctx: SignetContext): Promise<RevokeReport[]> {
  const digests = options.digests ?? [];
  for (const digest of digests) {
    if (!isSha256Digest(digest)) throw new UsageError('bad-digest', `--digest ${JSON.stringify(digest)} is not sha256:<64 hex digits>`);
  }
  if (texts.length === 0 && digests.length === 0) throw new UsageError('nothing-to-revoke', 'give image references to revoke, or --digest sha256:…');

  const groups = new Map<string, { trust: ResolvedTrust; strict: RevokeRequest[]; optional: RevokeRequest[] }>();
  const groupOf = (trust: ResolvedTrust) => {
    const key = `${trust.store.location}\n${trust.rootPath}`;
    const group = groups.get(key) ?? { trust, strict: [], optional: [] };
    groups.set(key, group);
    return group;
  };
  const items = await revokeItems(texts, options, ctx);
  for (const { trust, items: group } of await groupByTrust(items, options, ctx)) groupOf(trust).strict.push(...group.map((item) => item.request));
  const bare: RevokeRequest[] = digests.map((digest) => ({ kind: 'digest', digest }));
  if (bare.length > 0) {
    if (options.image || options.trustRepo) groupOf(await resolveRepository(options, ctx)).strict.push(...bare);
    else for (const trust of await allRepositories(ctx)) groupOf(trust).optional.push(...bare);
  }

  const signers = ctx.keys.signers;
  const reports: RevokeReport[] = [];
  const found = new Set<string>();
  for (const { trust, strict, optional } of groups.values()) {
    const revoked = await updateRepository(trust.store, trust.pinnedRoot, { signers, now: ctx.now, memory: publishMemoryFor(ctx, trust.store) }, async (repo) => {
      const signed = new Set((await repo.listTargets()).map((t) => t.sha256));
      const present = optional.filter((r) => r.kind === 'digest' && signed.has(r.digest.slice('sha256:'.length)));
      const requests = [...strict, ...present];
      if (requests.length === 0) return [];
      return revokeTargets(repo, requests, { now: ctx.now, ...(options.reason ? { reason: options.reason } : {}) });
    });
    for (const r of revoked) found.add(r.digest);
    if (revoked.length > 0) reports.push({ trustRepository: trust.store.location, revoked });
  }
  const missing = digests.filter((d) => !found.has(d));
  if (missing.length > 0 && groups.size > 0 && !(options.image || options.trustRepo)) {
    throw new UsageError('not-signed', `no trust repository in the policy signs ${missing.join(', ')}${reports.length > 0 ? ' (the other revocations were published)' : ''}`);
  }
  if (groups.size === 0) {
    throw new UsageError('which-repository', `no trust repository configured: pass --trust-repo LOCATION --root ROOT.json, or add one to the policy with \`${trustAddHint('*')}\``);
  }
  return reports;
}
