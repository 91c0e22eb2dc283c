// `signet root create`: an unsigned root (version 1, or any version for a
// fresh start) from public key files, per-role thresholds and expiries.
// Nothing secret is involved; the result is signed offline by each holder.

import type { Envelope, KeyJSON, RoleType, RootJSON } from '../metadata/types.js';
import { TOP_LEVEL_ROLES } from '../metadata/types.js';
import { buildRoot, type RoleKeySpec } from '../trust/root-builder.js';
import { readPublicKeyFile } from '../keys/public-key-file.js';
import { parseExpiryDuration } from '../metadata/expiry.js';
import { UsageError } from '../errors.js';

export interface CreateRootOptions {
  /** Public key files per top-level role (several roles may share a key, which is discouraged for root). */
  keyFiles: ReadonlyMap<RoleType, readonly string[]>;
  /** Per-role thresholds; 1 when not given. */
  thresholds?: ReadonlyMap<RoleType, number>;
  /** Seconds each role stays valid when signed (root's counts from `now`). */
  expirySeconds?: Partial<Record<RoleType, number>>;
  version?: number;
  now: Date;
  /** How a `keyFiles` entry becomes a key (default: a public key file; the CLI also takes keystore key ids). */
  readKey?: (spec: string) => Promise<KeyJSON>;
}

export async function createRoot(options: CreateRootOptions): Promise<Envelope<RootJSON>> {
  const roles = {} as Record<RoleType, RoleKeySpec>;
  for (const role of TOP_LEVEL_ROLES) {
    const files = options.keyFiles.get(role) ?? [];
    if (files.length === 0) throw new UsageError('missing-role-keys', `no ${role} key given; pass --key ${role}=FILE (a public key from \`signet key export\`)`);
    const keys: KeyJSON[] = [];
    const readKey = options.readKey ?? (async (file: string) => (await readPublicKeyFile(file)).key);
    for (const file of files) keys.push(await readKey(file));
    roles[role] = { keys, threshold: options.thresholds?.get(role) ?? 1 };
  }
  for (const role of options.thresholds?.keys() ?? []) {
    if (!TOP_LEVEL_ROLES.includes(role)) throw new UsageError('unknown-role', `${role} is not a top-level role`);
  }
  const spec: Parameters<typeof buildRoot>[0] = { roles, now: options.now };
  if (options.version !== undefined) spec.version = options.version;
  if (options.expirySeconds) spec.expirySeconds = options.expirySeconds;
  return buildRoot(spec);
}

/** Parse repeated `ROLE=VALUE` options into a map keyed by top-level role. */
export function parseRoleAssignments(values: readonly string[], flag: string): Map<RoleType, string[]> {
  const out = new Map<RoleType, string[]>();
  for (const value of values) {
    const at = value.indexOf('=');
    const role = value.slice(0, at) as RoleType;
    if (at <= 0 || at === value.length - 1 || !TOP_LEVEL_ROLES.includes(role)) {
      throw new UsageError('bad-option', `${flag} ${value}: expected ROLE=VALUE with ROLE one of ${TOP_LEVEL_ROLES.join(', ')}`);
    }
    out.set(role, [...(out.get(role) ?? []), value.slice(at + 1)]);
  }
  return out;
}

/** `--threshold root=2` into numbers (the last value for a role wins). */
export function parseThresholds(values: readonly string[]): Map<RoleType, number> {
  const out = new Map<RoleType, number>();
  for (const [role, texts] of parseRoleAssignments(values, '--threshold')) {
    const text = texts.at(-1)!;
    if (!/^[1-9][0-9]{0,3}$/.test(text)) throw new UsageError('bad-threshold', `--threshold ${role}=${text}: a threshold is a whole number of keys, at least 1`);
    out.set(role, Number(text));
  }
  return out;
}

/** `--expires targets=90d` into seconds per role. */
export function parseExpiries(values: readonly string[]): Partial<Record<RoleType, number>> {
  const out: Partial<Record<RoleType, number>> = {};
  for (const [role, texts] of parseRoleAssignments(values, '--expires')) out[role] = parseExpiryDuration(role, texts.at(-1)!);
  return out;
}
