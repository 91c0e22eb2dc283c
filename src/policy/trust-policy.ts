// The trust policy: which trust repository (a store and a pinned root) covers
// which images. A small JSON file, SIGNET_HOME/policy.json by default:
//   {"version":1,"trust":[{"scope":"team/*","store":"/srv/trust","root":"roots/team.json"}]}
// Scopes match the host-less repository name, so mirrors are covered too.

import { dirname, isAbsolute, resolve } from 'node:path';
import { readFileBounded, writeFileAtomic } from '../store/atomic-file.js';
import { isRecord } from '../metadata/types.js';
import { UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';

export interface TrustEntry {
  /** Glob over repository names: `*` within a path segment, `**` across segments. */
  scope: string;
  /** Store location: a directory path, an http(s):// URL, or oci://host/repo. */
  store: string;
  /** Path of the pinned root file (relative paths are relative to the policy file). */
  root: string;
}

export interface TrustPolicy {
  version: 1;
  trust: TrustEntry[];
}

export async function readPolicy(path: string): Promise<TrustPolicy> {
  const bytes = await readFileBounded(path, LIMITS.configFileBytes, { refuseSymlink: true });
  if (bytes === undefined) return { version: 1, trust: [] };
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (cause) {
    throw new UsageError('bad-policy', `${path} is not valid JSON`, { cause });
  }
  if (!isRecord(doc) || doc['version'] !== 1 || !Array.isArray(doc['trust'])) {
    throw new UsageError('bad-policy', `${path} is not a signet trust policy ({"version":1,"trust":[...]})`);
  }
  const base = dirname(path);
  const trust = doc['trust'].map((entry, i) => {
    if (!isRecord(entry) || typeof entry['scope'] !== 'string' || typeof entry['store'] !== 'string' || typeof entry['root'] !== 'string') {
      throw new UsageError('bad-policy', `${path}: trust[${i}] needs string fields scope, store and root`);
    }
    return {
      scope: entry['scope'],
      store: isLocalPath(entry['store']) ? resolve(base, entry['store']) : entry['store'],
      root: isAbsolute(entry['root']) ? entry['root'] : resolve(base, entry['root']),
    };
  });
  return { version: 1, trust };
}

/** Add (or replace, for the same scope) an entry and write the policy atomically. */
export async function addPolicyEntry(path: string, entry: TrustEntry): Promise<void> {
  const policy = await readPolicy(path);
  policy.trust = policy.trust.filter((e) => e.scope !== entry.scope);
  policy.trust.push(entry);
  await writeFileAtomic(path, JSON.stringify(policy, null, 2) + '\n', { mode: 0o644 });
}

/** The first entry whose scope matches `name`, in file order. */
export function matchPolicy(policy: TrustPolicy, name: string): TrustEntry | undefined {
  return policy.trust.find((entry) => scopeMatches(entry.scope, name));
}

export function scopeMatches(scope: string, name: string): boolean {
  const pattern = scope
    .split(/(\*\*|\*)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`).test(name);
}

export function isLocalPath(location: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}
