// What a trust repository looks like right now, for `signet status`: each
// role's version, keys, who signed it and when it expires, with warnings for
// anything expired, expiring within a horizon, or no longer verifiable, each
// naming the command that fixes it. The reference time is passed in.

import type { Envelope, KeyJSON, RoleKeysJSON } from '../metadata/types.js';
import { checkThreshold } from '../metadata/signing.js';
import { isExpired } from '../metadata/expiry.js';
import type { TrustRepository } from './trust-repository.js';
import { roleKeys } from './trust-repository.js';
import { listDelegations, findDelegation } from './delegations.js';
import { metadataFileName } from '../store/metadata-store.js';
import { snapshotEntry } from './metadata-files.js';
import { LIMITS } from '../limits.js';
import { fixFor } from './refresh-command.js';

export type RoleState = 'ok' | 'expiring' | 'expired' | 'unverifiable' | 'unpublished';

export interface RoleStatus {
  role: string;
  /** `root` for top-level roles, else the delegating role. */
  delegatedBy: string;
  version: number;
  expires?: string;
  keyIds: string[];
  threshold: number;
  /** Key ids whose signatures on the published metadata verify. */
  signedBy: string[];
  state: RoleState;
}

export interface RepositoryStatus {
  location: string;
  now: string;
  horizonSeconds: number;
  roles: RoleStatus[];
  /** One line per problem, each with its fix. */
  warnings: string[];
  /** True when no role is expired, expiring within the horizon, unverifiable or unpublished. */
  healthy: boolean;
}

export async function repositoryStatus(repo: TrustRepository, options: { now: Date; horizonSeconds: number }): Promise<RepositoryStatus> {
  const { now, horizonSeconds } = options;
  const horizon = new Date(now.getTime() + horizonSeconds * 1000);
  const roles: RoleStatus[] = [];
  const warnings: string[] = [];

  const add = (role: string, delegatedBy: string, doc: Envelope<{ version: number; expires: string }>, keys: Readonly<Record<string, KeyJSON>>, entry: RoleKeysJSON) => {
    const check = checkThreshold(role, doc, keys, entry);
    let state: RoleState = 'ok';
    if (!check.met) state = 'unverifiable';
    else if (isExpired(doc.signed.expires, now)) state = 'expired';
    else if (isExpired(doc.signed.expires, horizon)) state = 'expiring';
    roles.push({ role, delegatedBy, version: doc.signed.version, expires: doc.signed.expires, keyIds: [...entry.keyids], threshold: entry.threshold, signedBy: check.valid, state });
    if (state === 'expired') warnings.push(`${role} expired ${doc.signed.expires}; ${fixFor(role)}`);
    if (state === 'expiring') warnings.push(`${role} expires ${doc.signed.expires} (in ${formatSeconds((Date.parse(doc.signed.expires) - now.getTime()) / 1000)}); ${fixFor(role)}`);
    if (state === 'unverifiable') warnings.push(`${role} is signed by ${check.valid.length}/${check.threshold} of its keys, so its targets do not verify; give it keys with \`signet key rotate ${role}\``);
  };

  const root = repo.root;
  add('root', 'root', root, root.signed.keys, roleKeys(root, 'root'));
  add('timestamp', 'root', repo.timestamp, root.signed.keys, roleKeys(root, 'timestamp'));
  add('snapshot', 'root', repo.snapshot, root.signed.keys, roleKeys(root, 'snapshot'));
  add('targets', 'root', repo.targets, root.signed.keys, roleKeys(root, 'targets'));
  for (const info of await listDelegations(repo)) {
    const found = await findDelegation(repo, info.name);
    if (!found) continue;
    if (info.version === 0) {
      roles.push({ role: info.name, delegatedBy: info.delegator, version: 0, keyIds: info.keyIds, threshold: info.threshold, signedBy: [], state: 'unpublished' });
      warnings.push(`${info.name} is delegated but not published yet, so verifying names it covers fails; publish it with \`signet sign --role ${info.name}\``);
      continue;
    }
    const doc = await repo.roleIfVerifiable(info.name);
    const published = doc ?? (await readUnverified(repo, info.name));
    if (published) add(info.name, info.delegator, published, found.doc.signed.delegations!.keys, found.entry);
  }
  return { location: repo.store.location, now: now.toISOString(), horizonSeconds, roles, warnings, healthy: warnings.length === 0 };
}

/** The published file of a role that failed verification, only to report its version and signers. */
async function readUnverified(repo: TrustRepository, role: string): Promise<Envelope<{ version: number; expires: string }> | undefined> {
  const meta = snapshotEntry(repo.snapshot.signed.meta, role);
  if (!meta) return undefined;
  const bytes = await repo.store.get(metadataFileName(role, meta.version), LIMITS.targetsBytes);
  if (!bytes) return undefined;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as Envelope<{ version: number; expires: string }>;
  } catch {
    return undefined;
  }
}

export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 2 * 86400) return `${Math.floor(s / 86400)}d`;
  if (s >= 3600) return `${Math.floor(s / 3600)}h`;
  if (s >= 60) return `${Math.floor(s / 60)}m`;
  return `${s}s`;
}
