// `signet root rotate`: the next root version from the current one, with keys
// added or removed and thresholds or expiries changed. The result is unsigned;
// it verifies only once a threshold of the old root's keys AND of the new
// root's keys have signed it (TUF 5.3.4), checked by `root verify --previous`.

import type { Envelope, KeyJSON, RoleType, RootJSON } from '../metadata/types.js';
import { TOP_LEVEL_ROLES } from '../metadata/types.js';
import { expiryAfter } from '../metadata/expiry.js';
import { expirySecondsFor, type SignetRootSettings } from '../trust/root-builder.js';
import { keyIdOf, shortKeyId } from '../keys/key-id.js';
import { UsageError } from '../errors.js';

export interface RootChanges {
  add?: Array<{ role: RoleType; key: KeyJSON }>;
  /** Key ids (or unique prefixes of at least 8 hex digits) to drop from a role. */
  remove?: Array<{ role: RoleType; keyId: string }>;
  thresholds?: ReadonlyMap<RoleType, number>;
  expirySeconds?: Partial<Record<RoleType, number>>;
}

/** Version N+1 of `current` with `changes` applied, expiring one root period after `now`. */
export function rotateRoot(current: Envelope<RootJSON>, changes: RootChanges, now: Date): Envelope<RootJSON> {
  const signed = structuredClone(current.signed);
  signed.version = current.signed.version + 1;

  if (changes.expirySeconds && Object.keys(changes.expirySeconds).length > 0) {
    const settings = (signed['x-signet'] ?? { expiry_seconds: {} }) as SignetRootSettings;
    settings.expiry_seconds = { ...settings.expiry_seconds, ...changes.expirySeconds };
    signed['x-signet'] = settings;
  }

  for (const { role, keyId } of changes.remove ?? []) {
    const entry = roleEntry(signed, role);
    const matches = entry.keyids.filter((id) => id.startsWith(keyId.toLowerCase()));
    if (keyId.length < 8 || matches.length !== 1) {
      throw new UsageError('no-such-key', `--remove-key ${role}=${keyId}: ${matches.length === 0 ? `root v${current.signed.version} has no such ${role} key` : 'ambiguous, give more digits'}`);
    }
    entry.keyids = entry.keyids.filter((id) => id !== matches[0]);
  }
  for (const { role, key } of changes.add ?? []) {
    const entry = roleEntry(signed, role);
    const keyId = keyIdOf(key);
    if (entry.keyids.includes(keyId)) throw new UsageError('key-exists', `--add-key ${role}: key ${shortKeyId(keyId)} is already a ${role} key`);
    signed.keys[keyId] = key;
    entry.keyids.push(keyId);
  }
  for (const [role, threshold] of changes.thresholds ?? []) roleEntry(signed, role).threshold = threshold;

  for (const role of TOP_LEVEL_ROLES) {
    const entry = roleEntry(signed, role);
    if (entry.threshold < 1 || entry.threshold > entry.keyids.length) {
      throw new UsageError('bad-threshold', `${role} would have threshold ${entry.threshold} with ${entry.keyids.length} key(s); adjust --threshold ${role}=N`);
    }
  }
  // Keys no role uses any more leave the root: a retired key keeps no trust.
  const used = new Set(Object.values(signed.roles).flatMap((entry) => entry.keyids));
  for (const keyId of Object.keys(signed.keys)) if (!used.has(keyId)) delete signed.keys[keyId];

  signed.expires = expiryAfter(now, expirySecondsFor(signed, 'root'));
  return { signed, signatures: [] };
}

function roleEntry(signed: RootJSON, role: RoleType) {
  const entry = Object.hasOwn(signed.roles, role) ? signed.roles[role] : undefined;
  if (!entry) throw new UsageError('unknown-role', `the root does not define ${role}`);
  return entry;
}
