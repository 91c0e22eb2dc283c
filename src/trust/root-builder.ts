// Build an unsigned root document from public keys, thresholds and expiries.
// Signing is separate so the root can be signed offline, by several holders.

import type { Envelope, KeyJSON, RoleType, RootJSON } from '../metadata/types.js';
import { SPEC_VERSION, TOP_LEVEL_ROLES } from '../metadata/types.js';
import { DEFAULT_EXPIRY_SECONDS, expiryAfter } from '../metadata/expiry.js';
import { keyIdOf } from '../keys/key-id.js';
import { UsageError } from '../errors.js';

export interface RoleKeySpec {
  keys: KeyJSON[];
  threshold: number;
}

export interface RootSpec {
  roles: Record<RoleType, RoleKeySpec>;
  /** Reference time; expiries are computed from it. */
  now: Date;
  version?: number;
  /** Seconds each role's metadata stays valid when signed; defaults in BRIEF.md. */
  expirySeconds?: Partial<Record<RoleType, number>>;
}

/** signet's repository settings, kept as an extra (signed) field of root. */
export interface SignetRootSettings {
  expiry_seconds: Partial<Record<RoleType, number>>;
}

export function buildRoot(spec: RootSpec): Envelope<RootJSON> {
  const keys: Record<string, KeyJSON> = {};
  const roles: RootJSON['roles'] = {};
  for (const role of TOP_LEVEL_ROLES) {
    const { keys: roleKeys, threshold } = spec.roles[role];
    const keyids = [...new Set(roleKeys.map((key) => keyIdOf(key)))];
    if (!Number.isInteger(threshold) || threshold < 1 || threshold > keyids.length) {
      throw new UsageError('bad-threshold', `${role} threshold ${threshold} must be between 1 and its ${keyids.length} distinct key(s)`);
    }
    roleKeys.forEach((key) => (keys[keyIdOf(key)] = key));
    roles[role] = { keyids, threshold };
  }
  const expirySeconds = { ...DEFAULT_EXPIRY_SECONDS, ...spec.expirySeconds };
  const settings: SignetRootSettings = { expiry_seconds: expirySeconds };
  return {
    signed: {
      _type: 'root',
      spec_version: SPEC_VERSION,
      version: spec.version ?? 1,
      expires: expiryAfter(spec.now, expirySeconds['root'] ?? DEFAULT_EXPIRY_SECONDS['root']!),
      consistent_snapshot: true,
      keys,
      roles,
      'x-signet': settings,
    },
    signatures: [],
  };
}

/** Seconds `role` stays valid when re-signed, from the root's settings or the defaults. */
export function expirySecondsFor(root: RootJSON, role: string): number {
  const settings = root['x-signet'] as Partial<SignetRootSettings> | undefined;
  const configured = settings?.expiry_seconds;
  if (configured && Object.hasOwn(configured, role)) {
    const value = (configured as Record<string, unknown>)[role];
    if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  }
  // Delegated roles (and bins) live as long as targets.
  // Role names are untrusted: never read a prototype member (`constructor`) as a default.
  const fallback = Object.hasOwn(DEFAULT_EXPIRY_SECONDS, role) ? DEFAULT_EXPIRY_SECONDS[role] : undefined;
  const targets = configured && Object.hasOwn(configured, 'targets') ? configured.targets : undefined;
  return fallback ?? (typeof targets === 'number' && Number.isSafeInteger(targets) && targets > 0 ? targets : DEFAULT_EXPIRY_SECONDS['targets']!);
}
