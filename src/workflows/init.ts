// `signet init`: new keys for every top-level role (or given ones), a root
// signed by them, version 1 of every role in the store, a pinned copy of the
// root under SIGNET_HOME/roots, and optionally a trust policy entry.

import { join, resolve } from 'node:path';
import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import type { KeyInfo } from '../keys/keystore.js';
import { buildRoot } from '../trust/root-builder.js';
import { initializeRepository, requireEmptyStore } from '../trust/initialize.js';
import { signEnvelope } from '../metadata/signing.js';
import type { Envelope, RoleType, RootJSON } from '../metadata/types.js';
import type { MetadataStore } from '../store/metadata-store.js';
import { requireThreshold } from '../metadata/signing.js';
import { rootThreshold } from '../trust/root-chain.js';
import { readRootFile } from '../ceremony/root-file.js';
import { TOP_LEVEL_ROLES } from '../metadata/types.js';
import { openStore } from '../store/open-store.js';
import { writeFileAtomic } from '../store/atomic-file.js';
import { serialize } from '../trust/trust-repository.js';
import { addPolicyEntry } from '../policy/trust-policy.js';
import { policyPathOf, rootsDirOf, type SignetContext } from './context.js';
import { shortKeyId } from '../keys/key-id.js';
import { DEFAULT_BIN_BIT_LENGTH, type BinsOptions } from '../trust/bins-layout.js';
import { LIMITS } from '../limits.js';

export interface InitOptions {
  /** Seconds each role stays valid when signed (defaults from BRIEF.md). */
  expirySeconds?: Partial<Record<RoleType, number>>;
  /** Add a trust policy entry covering this scope (e.g. `team/*`). */
  scope?: string;
  /** Lay the repository out in succinct hashed bins (for thousands of tags). */
  bins?: BinsOptions;
  /**
   * Start from a root signed in an offline ceremony (`signet root sign`)
   * instead of generating keys; the online keys it names must be in the keystore.
   */
  rootFile?: string;
}

export interface InitResult {
  location: string;
  keys: Array<{ role: RoleType; keyId: string }>;
  /** The pinned root file verifiers need (`--root`). */
  rootPath: string;
  scope?: string;
  /** Number of hashed bins, when the repository uses them. */
  bins?: number;
}

export async function initTrustRepository(location: string, options: InitOptions, ctx: SignetContext): Promise<InitResult> {
  const store = await openStore(location, ctx.cwd, ctx.registry ?? {});
  if (options.rootFile) return initFromCeremonyRoot(store, resolve(ctx.cwd, options.rootFile), options, ctx);
  // Refuse a used store before generating keys for it (initializeRepository checks again under the lock).
  await requireEmptyStore(store);
  const keys = new Map<RoleType, KeyInfo>();
  try {
    for (const role of TOP_LEVEL_ROLES) {
      const info = await ctx.keys.generate(role, store.location, ctx.now);
      ctx.log(`generated ${role} key ${shortKeyId(info.keyId)}`);
      keys.set(role, info);
    }
    return await initializeWithKeys(store, keys, options, ctx);
  } catch (error) {
    await removeUnpublishedKeys(store, [...keys.values()], ctx);
    throw error;
  }
}

/**
 * A failed init must not leave orphan keys: when the store holds no
 * timestamp (nothing was published), the keys generated for this attempt are
 * removed, so a retry starts clean. When the store cannot be checked they are
 * kept (they might sign a published repository) and listed.
 */
async function removeUnpublishedKeys(store: MetadataStore, generated: readonly KeyInfo[], ctx: SignetContext): Promise<void> {
  if (generated.length === 0) return;
  let published: boolean | undefined;
  try {
    published = (await store.get('timestamp.json', LIMITS.timestampBytes)) !== undefined;
  } catch {
    published = undefined;
  }
  const ids = generated.map((k) => shortKeyId(k.keyId)).join(', ');
  if (published === false) {
    for (const key of generated) await ctx.keys.remove(key.keyId).catch(() => undefined);
    ctx.log(`removed the ${generated.length} key(s) generated for this attempt (${ids}); nothing was published`);
  } else {
    ctx.log(`kept the key(s) generated for this attempt (${ids}): ${published ? 'the store holds a timestamp' : 'the store could not be checked'}; \`signet key remove KEYID\` removes them`);
  }
}

async function initializeWithKeys(store: MetadataStore, keys: Map<RoleType, KeyInfo>, options: InitOptions, ctx: SignetContext): Promise<InitResult> {
  const spec = { keys: [] as KeyInfo['publicKey'][], threshold: 1 };
  const roles = Object.fromEntries(TOP_LEVEL_ROLES.map((role) => [role, { ...spec, keys: [keys.get(role)!.publicKey] }])) as Record<RoleType, typeof spec>;
  const rootSpec: Parameters<typeof buildRoot>[0] = { roles, now: ctx.now };
  if (options.expirySeconds) rootSpec.expirySeconds = options.expirySeconds;
  const root = buildRoot(rootSpec);
  const signers = ctx.keys.signers;
  await signEnvelope(root, await signers('root', root.signed.roles['root']!.keyids));
  await initializeRepository(store, root, initializeOptions(signers, options, ctx));
  return pinAndRecord(store.location, root, TOP_LEVEL_ROLES.map((role) => ({ role, keyId: keys.get(role)!.keyId })), options, ctx);
}

function initializeOptions(signers: Parameters<typeof initializeRepository>[2]['signers'], options: InitOptions, ctx: SignetContext): Parameters<typeof initializeRepository>[2] {
  const init: Parameters<typeof initializeRepository>[2] = { signers, now: ctx.now };
  if (options.bins) init.bins = options.bins;
  return init;
}

/** `signet init --root-file`: the ceremony's root (already at threshold) starts the repository. */
async function initFromCeremonyRoot(store: MetadataStore, rootFile: string, options: InitOptions, ctx: SignetContext): Promise<InitResult> {
  const root = await readRootFile(rootFile);
  // TUF 5.3.4 for the first root: it must carry its own threshold of root signatures.
  requireThreshold({ ...rootThreshold(root), role: `root v${root.signed.version} in ${rootFile}` });
  await initializeRepository(store, root, initializeOptions(ctx.keys.signers, options, ctx));
  const keys = TOP_LEVEL_ROLES.flatMap((role) => (root.signed.roles[role]?.keyids ?? []).map((keyId) => ({ role, keyId })));
  return pinAndRecord(store.location, root, keys, options, ctx);
}

/** Pin the root under SIGNET_HOME/roots and optionally add a policy entry. */
async function pinAndRecord(location: string, root: Envelope<RootJSON>, keys: InitResult['keys'], options: InitOptions, ctx: SignetContext): Promise<InitResult> {
  const rootBytes = serialize(root);
  const rootPath = pinnedRootPathFor(location, ctx);
  await fs.mkdir(rootsDirOf(ctx), { recursive: true, mode: 0o700 });
  await writeFileAtomic(rootPath, rootBytes);
  const result: InitResult = { location, keys, rootPath };
  if (options.scope) {
    await addPolicyEntry(policyPathOf(ctx), { scope: options.scope, store: location, root: rootPath });
    result.scope = options.scope;
  }
  if (options.bins) result.bins = 2 ** (options.bins.bitLength ?? DEFAULT_BIN_BIT_LENGTH);
  return result;
}

/** Where `signet init` pins the root of the repository at `location`. */
export function pinnedRootPathFor(location: string, ctx: Pick<SignetContext, 'home'>): string {
  return join(rootsDirOf(ctx as SignetContext), `${createHash('sha256').update(location).digest('hex').slice(0, 16)}.root.json`);
}
