// `signet key rotate <role>` and `signet key revoke <keyid>`: replace or
// remove keys of any role in one publish (a new root version for top-level
// roles, the delegator re-signed for delegated ones). A new key is generated
// in the local keystore unless --key names an existing one.

import { shortKeyId } from '../keys/key-id.js';
import type { KeyJSON } from '../metadata/types.js';
import { TOP_LEVEL_ROLES } from '../metadata/types.js';
import { TrustRepository } from '../trust/trust-repository.js';
import { updateRepository } from '../trust/update-repository.js';
import { rotateRoleKeys, type RotationResult } from '../trust/key-rotation.js';
import { revokeKey, type KeyRevocationResult } from '../trust/key-revocation.js';
import { findDelegation, listDelegations } from '../trust/delegations.js';
import { resolveRepository, type RepositoryOptions } from './resolve-repository.js';
import { publishMemoryFor, type SignetContext } from './context.js';
import { UsageError } from '../errors.js';

export interface RotateOptions extends RepositoryOptions {
  /** New keys (key ids or public key files); default: generate one. */
  keys?: string[];
  /** Key ids (or prefixes) to replace; default: the role's only key. */
  replace?: string[];
  /** Keep every current key (only add). */
  keep?: boolean;
  threshold?: number;
}

export async function rotateKeyWorkflow(role: string, options: RotateOptions, ctx: SignetContext): Promise<RotationResult & { trustRepository: string; generated: string[] }> {
  const trust = await resolveRepository(options, ctx);
  // Refuse an unknown role before generating a key for it.
  await currentKeyIds(await TrustRepository.load(trust.store, trust.pinnedRoot), role);
  const add: KeyJSON[] = [];
  const generated: string[] = [];
  for (const spec of options.keys ?? []) add.push(await ctx.keys.publicKey(spec, ctx.cwd));
  if (add.length === 0) {
    const info = await ctx.keys.generate(role, trust.store.location, ctx.now);
    ctx.log(`generated ${role} key ${shortKeyId(info.keyId)} in ${ctx.keys.dir}`);
    add.push(info.publicKey);
    generated.push(info.keyId);
  }
  const signers = ctx.keys.signers;
  const result = await updateRepository(trust.store, trust.pinnedRoot, { signers, now: ctx.now, log: ctx.log, memory: publishMemoryFor(ctx, trust.store) }, async (repo) => {
    const current = await currentKeyIds(repo, role);
    let remove: string[];
    if (options.keep) remove = [];
    else if (options.replace?.length) remove = options.replace.map((prefix) => matchKey(prefix, current, role));
    else if (current.length <= 1) remove = current;
    else throw new UsageError('which-key', `${role} has ${current.length} keys (${current.map(shortKeyId).join(', ')}); say which to replace with --replace KEYID, or --keep to add`);
    const change = { add, remove, ...(options.threshold !== undefined ? { threshold: options.threshold } : {}) };
    return rotateRoleKeys(repo, role, change, { now: ctx.now, signers });
  });
  return { ...result, trustRepository: trust.store.location, generated };
}

export async function revokeKeyWorkflow(keyIdOrPrefix: string, options: RepositoryOptions & { reason?: string }, ctx: SignetContext): Promise<KeyRevocationResult & { trustRepository: string }> {
  const trust = await resolveRepository(options, ctx);
  const signers = ctx.keys.signers;
  const result = await updateRepository(trust.store, trust.pinnedRoot, { signers, now: ctx.now, log: ctx.log, memory: publishMemoryFor(ctx, trust.store) }, async (repo) => {
    const known = new Set(Object.keys(repo.root.signed.keys));
    for (const d of await listDelegations(repo)) for (const id of d.keyIds) known.add(id);
    const keyId = matchKey(keyIdOrPrefix, [...known], 'any role');
    return revokeKey(repo, keyId, { now: ctx.now, signers, ...(options.reason ? { reason: options.reason } : {}) });
  });
  return { ...result, trustRepository: trust.store.location };
}

async function currentKeyIds(repo: TrustRepository, role: string): Promise<string[]> {
  if ((TOP_LEVEL_ROLES as readonly string[]).includes(role)) return [...(repo.root.signed.roles[role]?.keyids ?? [])];
  const found = await findDelegation(repo, role);
  if (!found) throw new UsageError('unknown-role', `no role named ${JSON.stringify(role)} in ${repo.store.location}`);
  return [...found.entry.keyids];
}

function matchKey(prefix: string, keyIds: readonly string[], where: string): string {
  const matches = keyIds.filter((id) => id.startsWith(prefix.toLowerCase()));
  if (prefix.length >= 8 && matches.length === 1) return matches[0]!;
  if (matches.length > 1 && prefix.length >= 8) throw new UsageError('ambiguous-key', `${prefix} matches ${matches.length} keys of ${where}; give more digits`);
  throw new UsageError('unknown-key', `no key ${prefix} in ${where} (give at least 8 hex digits of a key id; \`signet status\` lists them)`);
}
