// Which trust repository a repository-level command (revoke --digest,
// delegation, key rotate/revoke, timestamp, status) works on: an image name's
// policy entry, explicit --trust-repo/--root, or the policy's only entry.

import { resolve } from 'node:path';
import { readPolicy } from '../policy/trust-policy.js';
import { isLocalPath } from '../policy/trust-policy.js';
import { isStoreTemplate, resolveTrust, trustAddHint, type ImageLocation, type ResolvedTrust, type TrustOptions } from './resolve-trust.js';
import { parseRegistryReference, withoutRegistryHost } from '../registry/reference.js';
import { policyPathOf, type SignetContext } from './context.js';
import { UsageError } from '../errors.js';

export interface RepositoryOptions extends TrustOptions {
  /** An image name whose trust policy entry selects the repository. */
  image?: string;
}

export async function resolveRepository(options: RepositoryOptions, ctx: SignetContext): Promise<ResolvedTrust> {
  if (options.image) {
    const image = imageOption(options.image);
    return resolveTrust(image.name, options, ctx, image.location);
  }
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
    if (isStoreTemplate(entry.store)) {
      const example = entry.scope.replace(/\*\*?/g, 'app');
      throw new UsageError(
        'store-template',
        `the trust policy's store ${entry.store} (scope ${entry.scope}) is filled from an image's registry and repository: name the image with --image REGISTRY/REPOSITORY, e.g. --image registry.example.com/${example}`,
      );
    }
    return resolveTrust(entry.scope, { trustRepo: entry.store, root: entry.root }, ctx);
  }
  throw new UsageError(
    'which-repository',
    stores.length === 0
      ? `no trust repository configured: pass --trust-repo LOCATION --root ROOT.json, or set one up with \`${trustAddHint('*')}\` (\`signet init LOCATION --scope GLOB\` creates a new one)`
      : `the trust policy names ${stores.length} trust repositories; pick one with --image NAME or --trust-repo LOCATION`,
  );
}

/**
 * `--image`: a repository name (`team/app`) or an image reference with its
 * registry (`registry.example.com/team/app[:tag]`), which also fills a policy
 * store template such as `oci://{registry}/{repository}`.
 */
export function imageOption(text: string): { name: string; location?: ImageLocation } {
  if (withoutRegistryHost(text) === text) return { name: text.replace(/[:@].*$/, '') };
  const ref = parseRegistryReference(text);
  return { name: ref.repository, location: { registry: ref.registry, repository: ref.repository } };
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
