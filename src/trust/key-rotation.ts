// Replacing the keys of a role. A top-level role's keys live in root, so a
// rotation is a new root version signed by the root keys (old and new, TUF
// 5.3.4) and the role re-signed with its new keys; a delegated role's keys live
// in its delegator, which is re-signed, and the role is re-signed too. After
// publish, signatures by removed keys no longer count anywhere.

import type { KeyJSON } from '../metadata/types.js';
import { TOP_LEVEL_ROLES } from '../metadata/types.js';
import { keyIdOf, shortKeyId } from '../keys/key-id.js';
import type { SignerProvider } from '../keys/signer.js';
import type { TrustRepository } from './trust-repository.js';
import { roleKeys } from './trust-repository.js';
import { nextRoot, signNextRoot } from './next-root.js';
import { findDelegation, pruneKeys, setKey } from './delegations.js';
import { binsFollowTargetsKeys } from './bins-layout.js';
import { UsageError, VerificationError } from '../errors.js';

export interface KeyChange {
  /** Public keys to add to the role. */
  add: KeyJSON[];
  /** Key ids to remove from the role. */
  remove: string[];
  /** New threshold; default: unchanged. */
  threshold?: number;
}

export interface RotationResult {
  role: string;
  /** `root` for top-level roles, else the delegating role. */
  changedIn: string;
  /** The new root version, for top-level roles. */
  rootVersion?: number;
  keyIds: string[];
  threshold: number;
  added: string[];
  removed: string[];
  /** True when the role's published content no longer verified and it was restarted empty. */
  restarted: boolean;
}

/** Change the keys of `role` in `repo` (publish afterwards). `signers` must hold the root keys for a top-level role. */
export async function rotateRoleKeys(repo: TrustRepository, role: string, change: KeyChange, options: { now: Date; signers: SignerProvider }): Promise<RotationResult> {
  const addIds = change.add.map(keyIdOf);
  if ((TOP_LEVEL_ROLES as readonly string[]).includes(role)) {
    const entry = roleKeys(repo.root, role);
    const keyIds = applyChange(role, entry.keyids, addIds, change.remove);
    const threshold = checkThreshold(role, change.threshold ?? entry.threshold, keyIds);
    const next = nextRoot(repo.root, options.now, (signed) => {
      for (const key of change.add) Object.defineProperty(signed.keys, keyIdOf(key), { value: key, enumerable: true, writable: true, configurable: true });
      signed.roles[role] = { ...entry, keyids: keyIds, threshold };
    });
    await signNextRoot(repo.root, next, options.signers);
    // Hashed bins signed by the targets keys change keys with them.
    if (role === 'targets') await binsFollowTargetsKeys(repo, { oldKeyIds: entry.keyids, newKeyIds: keyIds, threshold, keys: next.signed.keys });
    repo.setRoot(next);
    // Re-sign the role with its new keys (and everything above it).
    if (role !== 'root') repo.markKeysChanged(role);
    return { role, changedIn: 'root', rootVersion: next.signed.version, keyIds, threshold, added: addIds, removed: [...change.remove], restarted: false };
  }

  const found = await findDelegation(repo, role);
  if (!found) throw new UsageError('unknown-role', `no role named ${JSON.stringify(role)}: rotate root, targets, snapshot, timestamp or a delegated role (\`signet delegation list\`)`);
  // Read the content under the old keys first: the writer never re-signs content it cannot verify.
  let restarted = false;
  try {
    await repo.role(role);
  } catch (error) {
    if (!(error instanceof VerificationError) || error.code !== 'below-threshold') throw error;
    repo.resetRole(role);
    restarted = true;
  }
  const keyIds = applyChange(role, found.entry.keyids, addIds, change.remove);
  const threshold = checkThreshold(role, change.threshold ?? found.entry.threshold, keyIds);
  const delegations = found.doc.signed.delegations!;
  for (const key of change.add) setKey(delegations, key);
  found.entry.keyids = keyIds;
  found.entry.threshold = threshold;
  pruneKeys(delegations);
  repo.markDirty(found.delegator);
  // Re-signed here when this machine holds the new keys, else left for their holder (the delegator's signature is what changes trust).
  repo.markKeysChanged(role);
  return { role, changedIn: found.delegator, keyIds, threshold, added: addIds, removed: [...change.remove], restarted };
}

function applyChange(role: string, current: readonly string[], add: readonly string[], remove: readonly string[]): string[] {
  for (const id of remove) {
    if (!current.includes(id)) throw new UsageError('unknown-key', `key ${shortKeyId(id)} is not a ${role} key (its keys: ${current.map(shortKeyId).join(', ')})`);
  }
  for (const id of add) {
    if (current.includes(id) && !remove.includes(id)) throw new UsageError('key-exists', `key ${shortKeyId(id)} is already a ${role} key`);
  }
  const kept = current.filter((id) => !remove.includes(id));
  return [...new Set([...kept, ...add])];
}

function checkThreshold(role: string, threshold: number, keyIds: readonly string[]): number {
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > keyIds.length) {
    throw new UsageError('bad-threshold', `${role} would have ${keyIds.length} key(s) and threshold ${threshold}; the threshold must be between 1 and the number of keys`);
  }
  return threshold;
}
