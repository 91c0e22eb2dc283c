// Find the trust repository for an image: explicit flags first
// (--trust-repo, --root), else the first matching trust policy entry.
// There is no trust on first use: without a pinned root, nothing verifies.

import { resolve } from 'node:path';
import type { MetadataStore } from '../store/metadata-store.js';
import { openStore } from '../store/open-store.js';
import { matchPolicy, readPolicy } from '../policy/trust-policy.js';
import { readFileBounded } from '../store/atomic-file.js';
import { parseRoot } from '../trust/root-chain.js';
import type { Envelope, RootJSON } from '../metadata/types.js';
import { SignetError, UsageError } from '../errors.js';
import { isRecord } from '../metadata/types.js';
import { LIMITS } from '../limits.js';
import { policyPathOf, type SignetContext } from './context.js';

export interface TrustOptions {
  /** Store location overriding the policy. */
  trustRepo?: string;
  /** Pinned root file overriding the policy. */
  root?: string;
  /** An air-gap bundle (directory or .tar) to read trust metadata from instead of the policy's store. */
  bundle?: string;
}

export interface ResolvedTrust {
  store: MetadataStore;
  pinnedRootBytes: Uint8Array;
  pinnedRoot: Envelope<RootJSON>;
  /** Where the pin came from, for messages. */
  rootPath: string;
  /** Host-less repository name keying the trusted state (see TrustSource.scope). */
  scope: string;
}

/** Where a registry image lives; fills `{registry}` and `{repository}` in a store location. */
export interface ImageLocation {
  registry: string;
  repository: string;
}

export async function resolveTrust(name: string, options: TrustOptions, ctx: SignetContext, image?: ImageLocation): Promise<ResolvedTrust> {
  let storeLocation = options.trustRepo;
  let rootPath = options.root ? resolve(ctx.cwd, options.root) : undefined;
  if (!storeLocation || !rootPath) {
    const policyPath = policyPathOf(ctx);
    const entry = matchPolicy(await readPolicy(policyPath), name);
    if (entry) {
      storeLocation ??= entry.store;
      rootPath ??= entry.root;
    }
  }
  // A bundle is one more mirror of the repository: only the metadata comes from it, the pin does not.
  if (options.bundle) storeLocation = await (await import('../bundle/bundle-store.js')).bundleLocationFor(options.bundle, name, ctx.cwd);
  if (!storeLocation) {
    throw new UsageError(
      'no-trust-repository',
      `no trust repository covers ${name}: set this machine up with \`${trustAddHint(name)}\` (the location and root.json come from the repository's owner), or pass --trust-repo LOCATION --root ROOT.json; \`signet init LOCATION --scope '${name}'\` creates a new repository instead`,
    );
  }
  if (!rootPath) {
    throw new UsageError('no-pinned-root', `no pinned root for ${name} (trust store ${storeLocation}): pin one with \`${trustAddHint(name, storeLocation)}\`, or pass --root ROOT.json; signet never trusts a root it fetched without a pin`);
  }
  // The trusted state follows the repository, not the location (SECURITY.md
  // "Trusted state identity"): its scope is host-less.
  let scope = storeLocation.startsWith('oci://') && !isStoreTemplate(storeLocation) ? ociScope(storeLocation) : '';
  // `oci://{registry}/{repository}`: the trust repository next to the image, wherever it was copied.
  if (isStoreTemplate(storeLocation)) {
    if (!image) {
      throw new UsageError('store-template', `trust store ${storeLocation} is filled from an image's registry and repository, and ${name} names no registry image: pass --trust-repo oci://REGISTRY/REPOSITORY`);
    }
    // One root, a trust repository per image: the memory is the signed name's, wherever the copy sits.
    if (storeLocation.includes('{repository}')) scope = name;
    storeLocation = storeLocation.replaceAll('{registry}', image.registry).replaceAll('{repository}', image.repository);
  }
  const pinnedRootBytes = await readFileBounded(rootPath, LIMITS.rootBytes, { refuseSymlink: true });
  if (pinnedRootBytes === undefined) throw new UsageError('no-pinned-root', `pinned root ${rootPath} does not exist: pin it again with \`${trustAddHint(name, storeLocation)}\`, or pass --root ROOT.json`);
  let pinnedRoot: Envelope<RootJSON>;
  try {
    pinnedRoot = parseRoot(pinnedRootBytes, rootPath);
  } catch (cause) {
    // A pin that is not a root at all is a configuration error (exit 2), not a verdict.
    throw new UsageError('bad-pinned-root', `${rootPath} is not a TUF root metadata file (${cause instanceof Error ? cause.message : String(cause)}); pass the root.json \`signet init\` wrote`, { cause });
  }
  const store = await openStore(storeLocation, ctx.cwd, ctx.registry ?? {});
  return { store, pinnedRootBytes, pinnedRoot, rootPath, scope };
}

/** An explicit `oci://host/repo` store: each registry repository is its own trust repository, a mirror keeps the path. */
function ociScope(location: string): string {
  const rest = location.slice('oci://'.length).replace(/\/+$/, '');
  const slash = rest.indexOf('/');
  return slash < 0 ? '' : rest.slice(slash + 1);
}

/** A store location with `{registry}` / `{repository}` placeholders, filled per image. */
export function isStoreTemplate(location: string): boolean {
  return /\{(registry|repository)\}/.test(location);
}

/** The exact command that sets up trust for `name` on a verifier (`signet trust add`). */
export function trustAddHint(name: string, store = 'LOCATION'): string {
  const quote = (text: string) => (/^[A-Z]+$/.test(text) ? text : `'${text}'`);
  const scope = name === '*' || name === '' ? 'GLOB' : name;
  return `signet trust add --scope ${quote(scope)} --store ${quote(store)} --root ROOT.json`;
}

/**
 * Group items by the trust repository that covers them (one TUF refresh per
 * group). Without `onFailure` the first item no trust covers fails the whole
 * call; with it, that item is handed to `onFailure` and left out.
 */
export async function groupByTrust<T extends { name: string }>(
  items: readonly T[],
  options: TrustOptions,
  ctx: SignetContext,
  onFailure?: (item: T, error: SignetError) => void,
): Promise<Array<{ trust: ResolvedTrust; items: T[] }>> {
  const groups = new Map<string, { trust: ResolvedTrust; items: T[] }>();
  // Items of one image repository resolve alike (name, registry and repository
  // are all resolveTrust reads): 1,000 tags of one repository read the policy
  // and the pinned root once, not 1,000 times.
  const resolved = new Map<string, ResolvedTrust | SignetError>();
  for (const item of items) {
    const image = imageLocationOf(item);
    const memo = `${item.name}\n${image?.registry ?? ''}\n${image?.repository ?? ''}`;
    let trust = resolved.get(memo);
    if (trust === undefined) {
      try {
        trust = await resolveTrust(item.name, options, ctx, image);
      } catch (error) {
        if (!(error instanceof SignetError)) throw error;
        trust = error;
      }
      resolved.set(memo, trust);
    }
    if (trust instanceof SignetError) {
      if (!onFailure) throw trust;
      onFailure(item, trust);
      continue;
    }
    const key = `${trust.store.location}\n${trust.rootPath}\n${trust.scope}`;
    const group = groups.get(key) ?? { trust, items: [] };
    group.items.push(item);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The registry location of an item that is (or carries, as `ref`) a registry reference. */
function imageLocationOf(item: unknown): ImageLocation | undefined {
  const ref = isRecord(item) && isRecord(item['ref']) ? item['ref'] : item;
  if (!isRecord(ref) || ref['kind'] !== 'registry' || typeof ref['registry'] !== 'string' || typeof ref['repository'] !== 'string') return undefined;
  return { registry: ref['registry'], repository: ref['repository'] };
}
