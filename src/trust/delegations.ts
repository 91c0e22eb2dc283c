// Delegated targets roles (TUF "delegations"): add, remove, list, and find
// which role delegates a name. A removed delegation keeps its snapshot entry:
// TUF 5.5.5 has clients refuse a snapshot that drops a file the previous one
// listed, and a re-created delegation starts empty at a higher version.

import type { DelegatedRoleJSON, DelegationsJSON, Envelope, KeyJSON, TargetsJSON } from '../metadata/types.js';
import { TOP_LEVEL_ROLES } from '../metadata/types.js';
import { keyIdOf } from '../keys/key-id.js';
import { snapshotEntry } from './metadata-files.js';
import type { TrustRepository } from './trust-repository.js';
import { UsageError } from '../errors.js';

export interface DelegationSpec {
  name: string;
  keys: KeyJSON[];
  /** TUF path patterns (`*` within one `/`-separated segment), e.g. `team/app:*`. */
  paths: string[];
  threshold: number;
  terminating: boolean;
  /** The role that delegates; `targets` by default. */
  delegator?: string;
}

export interface DelegationInfo {
  name: string;
  delegator: string;
  keyIds: string[];
  threshold: number;
  paths: string[];
  terminating: boolean;
  /** Published version (0: never published). */
  version: number;
  targets: number;
}

const ROLE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/**
 * Names that plain-object lookups resolve to Object.prototype members: tuf-js
 * keeps roles in plain objects and refuses such a role as unsigned, so signet
 * never creates one.
 */
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * Patterns a delegation for image tags also needs: signet signs `name:tag` and
 * `name@sha256:…` together, so `team/app:*` brings `team/app@sha256:*` along.
 */
export function withDigestPatterns(paths: readonly string[]): string[] {
  const out = new Set<string>();
  for (const path of paths) {
    out.add(path);
    const colon = path.lastIndexOf(':');
    if (colon > 0 && !path.includes('@') && !path.slice(0, colon).includes(':')) out.add(`${path.slice(0, colon)}@sha256:*`);
  }
  return [...out];
}

/** Add a delegation (not yet published). Returns true when an earlier delegation of that name is restarted empty. */
export async function addDelegation(repo: TrustRepository, spec: DelegationSpec): Promise<boolean> {
  const delegatorName = spec.delegator ?? 'targets';
  if (!ROLE_NAME.test(spec.name) || (TOP_LEVEL_ROLES as readonly string[]).includes(spec.name) || PROTOTYPE_NAMES.has(spec.name)) {
    throw new UsageError(
      'bad-role-name',
      `${JSON.stringify(spec.name)} cannot name a delegated role: use letters, digits, '.', '_', '-', not a top-level role name nor a JavaScript object member such as "constructor"`,
    );
  }
  if (spec.paths.length === 0) throw new UsageError('no-paths', `delegation ${spec.name} needs at least one --paths pattern`);
  const keyIds = [...new Set(spec.keys.map(keyIdOf))];
  if (!Number.isInteger(spec.threshold) || spec.threshold < 1 || spec.threshold > keyIds.length) {
    throw new UsageError('bad-threshold', `threshold ${spec.threshold} must be between 1 and the ${keyIds.length} distinct key(s) given`);
  }
  if (await findDelegation(repo, spec.name)) {
    throw new UsageError('role-exists', `${spec.name} is already delegated; remove it first or rotate its keys with \`signet key rotate ${spec.name}\``);
  }
  const delegator = await repo.role(delegatorName);
  const delegations = ensureDelegations(delegator);
  for (const key of spec.keys) setKey(delegations, key);
  const entry: DelegatedRoleJSON = { name: spec.name, keyids: keyIds, threshold: spec.threshold, terminating: spec.terminating, paths: [...spec.paths] };
  (delegations.roles ??= []).push(entry);
  repo.markDirty(delegatorName);
  const restarted = snapshotEntry(repo.snapshot.signed.meta, spec.name) !== undefined;
  if (restarted) repo.resetRole(spec.name);
  return restarted;
}

/** Remove a delegation (not yet published). Its targets stop verifying once published. */
export async function removeDelegation(repo: TrustRepository, name: string): Promise<DelegationInfo> {
  const found = await findDelegation(repo, name);
  if (!found) throw new UsageError('unknown-role', `no delegation named ${JSON.stringify(name)} in ${repo.store.location}; \`signet delegation list\` shows them`);
  const info = await describe(repo, found.delegator, found.entry);
  const delegations = found.doc.signed.delegations!;
  delegations.roles = (delegations.roles ?? []).filter((r) => r.name !== name);
  pruneKeys(delegations);
  repo.markDirty(found.delegator);
  // TUF 5.5.5: the snapshot keeps listing <name>.json, so verifiers that saw it accept the next snapshot.
  return info;
}

export async function listDelegations(repo: TrustRepository): Promise<DelegationInfo[]> {
  const out: DelegationInfo[] = [];
  for (const roleName of await reachableRoles(repo)) {
    const doc = await repo.role(roleName);
    for (const entry of doc.signed.delegations?.roles ?? []) out.push(await describe(repo, roleName, entry));
  }
  return out;
}

export interface FoundDelegation {
  delegator: string;
  doc: Envelope<TargetsJSON>;
  entry: DelegatedRoleJSON;
}

/** The delegating role and entry for `name`, searching breadth-first from targets. */
export async function findDelegation(repo: TrustRepository, name: string): Promise<FoundDelegation | undefined> {
  for (const roleName of await reachableRoles(repo)) {
    const doc = await repo.role(roleName);
    const entry = doc.signed.delegations?.roles?.find((r) => r.name === name);
    if (entry) return { delegator: roleName, doc, entry };
  }
  return undefined;
}

/** Targets roles reachable from targets through published, verifiable delegations (bins excluded). */
async function reachableRoles(repo: TrustRepository): Promise<string[]> {
  const names = ['targets'];
  for (const name of await repo.allTargetsRoles()) if (name !== 'targets') names.push(name);
  const usable: string[] = [];
  for (const name of names) {
    try {
      await repo.role(name);
      usable.push(name);
    } catch {
      // A role that no longer verifies (e.g. its key was revoked) delegates nothing we can edit.
    }
  }
  return usable;
}

async function describe(repo: TrustRepository, delegator: string, entry: DelegatedRoleJSON): Promise<DelegationInfo> {
  const meta = snapshotEntry(repo.snapshot.signed.meta, entry.name);
  let targets = 0;
  if (meta) {
    try {
      targets = Object.keys((await repo.role(entry.name)).signed.targets).length;
    } catch {
      targets = 0;
    }
  }
  return {
    name: entry.name,
    delegator,
    keyIds: [...entry.keyids],
    threshold: entry.threshold,
    paths: [...(entry.paths ?? [])],
    terminating: entry.terminating,
    version: meta?.version ?? 0,
    targets,
  };
}

export function ensureDelegations(doc: Envelope<TargetsJSON>): DelegationsJSON {
  const existing = doc.signed.delegations;
  if (existing?.succinct_roles) {
    throw new UsageError('uses-bins', 'this role delegates to hashed bins; named delegations cannot be added next to them');
  }
  if (existing) return existing;
  const created: DelegationsJSON = { keys: {}, roles: [] };
  doc.signed.delegations = created;
  return created;
}

export function setKey(delegations: DelegationsJSON, key: KeyJSON): string {
  const keyId = keyIdOf(key);
  Object.defineProperty(delegations.keys, keyId, { value: key, enumerable: true, writable: true, configurable: true });
  return keyId;
}

/** Drop keys that no delegated role of `delegations` lists any more. */
export function pruneKeys(delegations: DelegationsJSON): void {
  const used = new Set((delegations.roles ?? []).flatMap((r) => r.keyids));
  if (delegations.succinct_roles) for (const id of delegations.succinct_roles.keyids) used.add(id);
  for (const keyId of Object.keys(delegations.keys)) if (!used.has(keyId)) delete delegations.keys[keyId];
}
