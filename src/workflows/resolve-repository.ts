// Which trust repository a repository-level command (revoke --digest,
// delegation, key rotate/revoke, timestamp, status) works on: an image name's
// policy entry, explicit --trust-repo/--root, or the policy's only entry.

import { resolve } from 'node:path';
import { readPolicy } from '../policy/trust-policy.js';
import { isLocalPath } from '../policy/trust-policy.js';
import { resolveTrust, trustAddHint, type ResolvedTrust, type TrustOptions } from './resolve-trust.js';
import { policyPathOf, type SignetContext } from './context.js';
import { UsageError } from '../errors.js';

export interface RepositoryOptions extends TrustOptions {
  /** An image name whose trust policy entry selects the repository. */
  image?: string;
}

export async function resolveRepository(options: RepositoryOptions, ctx: SignetContext): Promise<ResolvedTrust> {
  if (options.image) return resolveTrust(options.image, options, ctx);
  const policy = await readPolicy(policyPathOf(ctx));
  if (options.trustRepo && options.root) return resolveTrust('*', options, ctx);
  if (options.trustRepo) {
    const wanted = isLocalPath(options.trustRepo) ? resolve(ctx.cwd, options.trustRepo) : options.trustRepo;
    const entry = policy.trust.find((e) => e.store === wanted || e.store === options.trustRepo);
    if (entry) return resolveTrust(entry.scope, { trustRepo: options.trustRepo, root: entry.root }, ctx);
    return resolveTrust('*', options, ctx);
  }
  const stores = [...new Set(policy.trust.map((e) => `${e.store}\n${e.root}`))];
  if (stores.length === 1) {
    const entry = policy.trust[0]!;
    return resolveTrust(entry.scope, { trustRepo: entry.store, root: entry.root }, ctx);
  }
  throw new UsageError(
    'which-repository',
    stores.length === 0
      ? `no trust repository configured: pass --trust-repo LOCATION --root ROOT.json, or set one up with \`${trustAddHint('*')}\` (\`signet init LOCATION --scope GLOB\` creates a new one)`
      : `the trust policy names ${stores.length} trust repositories; pick one with --image NAME or --trust-repo LOCATION`,
  );
}

/** Every distinct trust repository of the policy (for `revoke --digest` without a repository). */
export async function allRepositories(ctx: SignetContext): Promise<ResolvedTrust[]> {
  const policy = await readPolicy(policyPathOf(ctx));
  const seen = new Set<string>();
  const out: ResolvedTrust[] = [];
  for (const entry of policy.trust) {
    const key = `${entry.store}\n${entry.root}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(await resolveTrust(entry.scope, { trustRepo: entry.store, root: entry.root }, ctx));
  }
  return out;
}
