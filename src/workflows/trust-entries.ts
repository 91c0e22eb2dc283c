// `signet trust add|list|remove`: set up a machine that only verifies. A trust
// entry is a policy line (scope → store or store template, pinned root); the
// root comes from a file handed over out of band, is checked to be a root
// signed by its own threshold, and is copied into SIGNET_HOME/roots so later
// edits to the original cannot change what this machine trusts.

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { readRootFile } from '../ceremony/root-file.js';
import { describeRoot } from '../ceremony/root-report.js';
import { readFileBounded, writeFileAtomic } from '../store/atomic-file.js';
import { isLocalPath, readPolicy, addPolicyEntry, type TrustEntry } from '../policy/trust-policy.js';
import { parseRoot } from '../trust/root-chain.js';
import { serialize } from '../trust/trust-repository.js';
import { SignetError, UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { policyPathOf, rootsDirOf, type SignetContext } from './context.js';

export interface TrustEntryAdd {
  /** Repository names it covers (`team/*`, `acme/**`). */
  scope: string;
  /** A directory, http(s):// URL, oci://host/repo, or a template such as `oci://{registry}/{repository}`. */
  store: string;
  /** The root file handed over out of band. */
  rootFile: string;
}

export interface PinnedRootSummary {
  /** Where this machine keeps its copy. */
  path: string;
  version: number;
  expires: string;
  expired: boolean;
  /** Root keys with read-aloud fingerprints, and the threshold. */
  threshold: number;
  keys: Array<{ keyId: string; fingerprint: string }>;
  /** SHA-256 of the pinned file, to compare with the sender's copy. */
  sha256: string;
}

export interface ListedTrustEntry {
  scope: string;
  store: string;
  root: PinnedRootSummary | { path: string; error: string };
}

/** Add (or replace, for the same scope) a trust entry; returns what was pinned. */
export async function addTrustEntry(add: TrustEntryAdd, ctx: SignetContext): Promise<{ scope: string; store: string; root: PinnedRootSummary; replaced: boolean }> {
  if (add.scope.trim() === '' || /\s/.test(add.scope)) throw new UsageError('bad-scope', `scope ${JSON.stringify(add.scope)} must be a non-empty repository name pattern such as "team/*"`);
  if (add.store.trim() === '') throw new UsageError('bad-store', '--store needs a location: a directory, an http(s):// URL, oci://host/repository or oci://{registry}/{repository}');
  const source = resolve(ctx.cwd, add.rootFile);
  const root = await readHandedRoot(source);
  const bytes = serialize(root);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const dir = rootsDirOf(ctx);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${sha256.slice(0, 16)}.root.json`);
  await writeFileAtomic(path, bytes, { mode: 0o644 });
  const store = isLocalPath(add.store) && !add.store.includes('{') ? resolve(ctx.cwd, add.store.replace(/^dir:/, '')) : add.store;
  const policyPath = policyPathOf(ctx);
  const replaced = (await readPolicy(policyPath)).trust.some((e) => e.scope === add.scope);
  await addPolicyEntry(policyPath, { scope: add.scope, store, root: path });
  return { scope: add.scope, store, root: summarize(root, path, sha256, ctx.now), replaced };
}

/** Every entry of the policy, in match order, with what its pinned root says. */
export async function listTrustEntries(ctx: SignetContext): Promise<ListedTrustEntry[]> {
  const policy = await readPolicy(policyPathOf(ctx));
  const out: ListedTrustEntry[] = [];
  for (const entry of policy.trust) out.push({ scope: entry.scope, store: entry.store, root: await pinnedSummary(entry, ctx) });
  return out;
}

/** Remove the entry for `scope` (exact text, as `trust list` prints it). The pinned root file stays. */
export async function removeTrustEntry(scope: string, ctx: SignetContext): Promise<{ scope: string; store: string; root: string }> {
  const path = policyPathOf(ctx);
  const policy = await readPolicy(path);
  const entry = policy.trust.find((e) => e.scope === scope);
  if (!entry) {
    const known = policy.trust.map((e) => JSON.stringify(e.scope)).join(', ') || 'none';
    throw new UsageError('no-trust-entry', `no trust entry has scope ${JSON.stringify(scope)} (entries: ${known}); \`signet trust list\` shows them`);
  }
  policy.trust = policy.trust.filter((e) => e !== entry);
  await writeFileAtomic(path, JSON.stringify(policy, null, 2) + '\n', { mode: 0o644 });
  return { scope: entry.scope, store: entry.store, root: entry.root };
}

/** Read a root handed over on a file: not a symlink, a TUF root, signed by its own root threshold. */
async function readHandedRoot(path: string) {
  let root;
  try {
    root = await readRootFile(path);
  } catch (error) {
    if (error instanceof SignetError && error.code === 'no-such-file') throw error;
    if (error instanceof SignetError && error.code === 'symlink-refused') throw error;
    const why = error instanceof Error ? error.message : String(error);
    throw new UsageError('not-a-root', `${path} is not a TUF root metadata file (${why}); pass the root.json the repository owner gave you (\`signet init\` prints where it is)`, { cause: error });
  }
  const report = describeRoot(root, new Date(0));
  if (!report.self.met) {
    throw new UsageError('root-not-signed', `${path} is root v${root.signed.version} but carries ${report.self.signed} of the ${report.self.threshold} root signatures it needs; refusing to pin it`);
  }
  return root;
}

function summarize(root: ReturnType<typeof parseRoot>, path: string, sha256: string, now: Date): PinnedRootSummary {
  const report = describeRoot(root, now);
  const rootRole = report.roles.find((r) => r.role === 'root');
  return {
    path,
    version: report.version,
    expires: report.expires,
    expired: report.expired,
    threshold: rootRole?.threshold ?? 1,
    keys: (rootRole?.keys ?? []).map((k) => ({ keyId: k.keyId, fingerprint: k.fingerprint })),
    sha256,
  };
}

async function pinnedSummary(entry: TrustEntry, ctx: SignetContext): Promise<ListedTrustEntry['root']> {
  try {
    const bytes = await readFileBounded(entry.root, LIMITS.rootBytes, { refuseSymlink: true });
    if (bytes === undefined) return { path: entry.root, error: 'missing' };
    return summarize(parseRoot(bytes, entry.root), entry.root, createHash('sha256').update(bytes).digest('hex'), ctx.now);
  } catch (error) {
    return { path: entry.root, error: error instanceof Error ? error.message : String(error) };
  }
}
