// `signet delegation add|remove|list|sign|publish`: manage delegated targets
// roles, and the file-based k-of-n signing of a delegated role (the files are
// made by `signet sign --role NAME --detached FILE`).

import { resolve } from 'node:path';
import { keyIdOf } from '../keys/key-id.js';
import { TrustRepository } from '../trust/trust-repository.js';
import { updateRepository } from '../trust/update-repository.js';
import { addDelegation, listDelegations, removeDelegation, withDigestPatterns, type DelegationInfo } from '../trust/delegations.js';
import { DETACHED_FIELD, parseDetached, publishDetached, serializeDetached, signDetached, summarize, type DetachedSummary } from '../trust/detached-role.js';
import { readFileBounded, writeFileAtomic } from '../store/atomic-file.js';
import { resolveRepository, type RepositoryOptions } from './resolve-repository.js';
import type { ResolvedTrust } from './resolve-trust.js';
import { publishMemoryFor, type SignetContext } from './context.js';
import { SignetError, UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';
import type { KeyJSON } from '../metadata/types.js';

export interface AddDelegationOptions extends RepositoryOptions {
  /** Key ids from the keystore, or public key files. */
  keys: string[];
  paths: string[];
  threshold?: number;
  terminating?: boolean;
  /** Delegating role (default targets). */
  delegator?: string;
}

export interface AddDelegationResult {
  trustRepository: string;
  delegation: DelegationInfo;
  /** True when an earlier delegation of that name was restarted empty. */
  restarted: boolean;
}

export async function addDelegationWorkflow(name: string, options: AddDelegationOptions, ctx: SignetContext): Promise<AddDelegationResult> {
  if (options.keys.length === 0) throw new UsageError('no-keys', `delegation ${name} needs at least one --key KEYID|PUBFILE`);
  const trust = await repositoryFor(options, ctx, options.paths[0]);
  const keys: KeyJSON[] = [];
  for (const spec of options.keys) keys.push(await ctx.keys.publicKey(spec, ctx.cwd));
  const threshold = options.threshold ?? 1;
  // Publish the (empty) role now when this machine holds enough of its keys; verifiers otherwise
  // refuse names under it until its first `signet sign --role`.
  let held = 0;
  for (const key of keys) if (await ctx.keys.holds(keyIdOf(key))) held++;
  const signers = ctx.keys.signers;
  const restarted = await updateRepository(trust.store, trust.pinnedRoot, { signers, now: ctx.now, log: ctx.log, memory: publishMemoryFor(ctx, trust.store) }, async (repo) => {
    const spec = { name, keys, paths: withDigestPatterns(options.paths), threshold, terminating: options.terminating ?? false, ...(options.delegator ? { delegator: options.delegator } : {}) };
    const again = await addDelegation(repo, spec);
    if (held >= threshold) await repo.role(name);
    return again;
  });
  if (held < threshold) ctx.log(`${name} is delegated but not published: its key holders publish it with \`signet sign --role ${name}\``);
  const delegation = (await listDelegations(await TrustRepository.load(trust.store, trust.pinnedRoot))).find((d) => d.name === name)!;
  return { trustRepository: trust.store.location, delegation, restarted };
}

export async function removeDelegationWorkflow(name: string, options: RepositoryOptions, ctx: SignetContext): Promise<{ trustRepository: string; removed: DelegationInfo }> {
  const trust = await resolveRepository(options, ctx);
  const signers = ctx.keys.signers;
  const removed = await updateRepository(trust.store, trust.pinnedRoot, { signers, now: ctx.now, log: ctx.log, memory: publishMemoryFor(ctx, trust.store) }, (repo) => removeDelegation(repo, name));
  return { trustRepository: trust.store.location, removed };
}

export async function listDelegationsWorkflow(options: RepositoryOptions, ctx: SignetContext): Promise<{ trustRepository: string; delegations: DelegationInfo[] }> {
  const trust = await resolveRepository(options, ctx);
  return { trustRepository: trust.store.location, delegations: await listDelegations(await TrustRepository.load(trust.store, trust.pinnedRoot)) };
}

/** Add this machine's signature(s) to a detached role file, in place (or to `out`). */
export async function signDelegationFile(path: string, options: RepositoryOptions & { out?: string }, ctx: SignetContext): Promise<DetachedSummary & { file: string }> {
  const { file, trust } = await openDetached(path, options, ctx);
  const repo = await TrustRepository.load(trust.store, trust.pinnedRoot);
  const summary = await signDetached(repo, file, ctx.keys.signers);
  const out = resolve(ctx.cwd, options.out ?? path);
  await writeFileAtomic(out, serializeDetached(file));
  return { ...summary, file: out };
}

/** What a detached role file changes and who signed it, without signing. */
export async function inspectDelegationFile(path: string, options: RepositoryOptions, ctx: SignetContext): Promise<DetachedSummary> {
  const { file, trust } = await openDetached(path, options, ctx);
  return summarize(await TrustRepository.load(trust.store, trust.pinnedRoot), file);
}

/** Publish a detached role file once it meets its delegation's threshold. */
export async function publishDelegationFile(path: string, options: RepositoryOptions, ctx: SignetContext): Promise<DetachedSummary & { trustRepository: string }> {
  const { file, trust } = await openDetached(path, options, ctx);
  const signers = ctx.keys.signers;
  const summary = await updateRepository(trust.store, trust.pinnedRoot, { signers, now: ctx.now, log: ctx.log, memory: publishMemoryFor(ctx, trust.store) }, (repo) => publishDetached(repo, file, ctx.now));
  return { ...summary, trustRepository: trust.store.location };
}

async function openDetached(path: string, options: RepositoryOptions, ctx: SignetContext) {
  const full = resolve(ctx.cwd, path);
  const bytes = await readFileBounded(full, LIMITS.targetsBytes, { refuseSymlink: true });
  if (bytes === undefined) throw new UsageError('no-such-file', `${full} does not exist`);
  const file = parseDetached(bytes, full);
  const trust = await resolveRepository({ ...options, ...(options.trustRepo || options.image ? {} : { trustRepo: file[DETACHED_FIELD].repository }) }, ctx);
  return { file, trust };
}

/** The repository for a delegation: flags, else the policy entry of the image its first path names. */
async function repositoryFor(options: RepositoryOptions, ctx: SignetContext, firstPath: string | undefined): Promise<ResolvedTrust> {
  const image = firstPath?.split(/[:@]/)[0];
  if (!options.image && !options.trustRepo && image && !image.includes('*')) {
    try {
      return await resolveRepository({ ...options, image }, ctx);
    } catch (error) {
      if (!(error instanceof SignetError) || error.kind !== 'usage') throw error;
    }
  }
  return resolveRepository(options, ctx);
}
