// Which role names a Notary v1 collection may use, by notary's own rule
// (notaryproject/notary tuf/data/roles.go, IsDelegation): the four base roles,
// and delegations `targets/…` of lowercase letters, digits, `-`, `_` and `/`.

import { UsageError } from '../errors.js';

const BASE_ROLES = new Set(['root', 'targets', 'snapshot', 'timestamp']);
const DELEGATION_CHARS = /^[-a-z0-9_/]+$/;

/**
 * True for a name notary accepts as a delegated role: `targets/` prefix, only
 * [-a-z0-9_/], shorter than 256 characters, and already clean (no empty
 * segment, no trailing slash; `.` cannot occur). So `targets/_ci` and
 * `targets/team-a/_x` are valid; `targets/Releases` and `targets//x` are not.
 */
export function isNotaryDelegationName(name: string): boolean {
  return name.startsWith('targets/') && name.length < 256 && DELEGATION_CHARS.test(name) && !name.endsWith('/') && !name.includes('//');
}

/** True for a base role or a valid delegation name. */
export function isNotaryRoleName(name: string): boolean {
  return BASE_ROLES.has(name) || isNotaryDelegationName(name);
}

/** The role `name` is delegated by: `targets/a/b` → `targets/a`. */
export function parentRoleOf(name: string): string {
  return name.slice(0, name.lastIndexOf('/'));
}

/** Throws a UsageError unless `name` is a role notary accepts (safe as a URL or file path too). */
export function checkNotaryRoleName(name: string): void {
  if (!isNotaryRoleName(name)) throw new UsageError('notary-bad-name', `role name ${JSON.stringify(name)} is not a valid Notary role name`);
}
