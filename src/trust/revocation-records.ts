// Revocation records: when signet removes a target it notes the name, the
// digest it pointed at, when and why, in an extra field of the signed targets
// role (`x-signet-revoked`). Unknown fields are kept and signed by every TUF
// implementation, so the record travels with the role's signature. A verifier
// only reads it to explain a refusal; trust decisions never depend on it.

import type { TargetsJSON } from '../metadata/types.js';
import { isRecord } from '../metadata/types.js';
import { LIMITS } from '../limits.js';

export const REVOKED_FIELD = 'x-signet-revoked';

export interface RevocationRecord {
  /** When the target was removed (TUF date form, UTC). */
  revoked: string;
  /** The sha256 the target pointed at, when known. */
  sha256?: string;
  /** Free text, e.g. "key 3f2a91c0d4e1 revoked". */
  reason?: string;
}

/** Note in `role` that `name` was revoked; keeps at most LIMITS.maxRevocationRecords, dropping the oldest. */
export function recordRevocation(role: TargetsJSON, name: string, record: RevocationRecord): void {
  const existing = readRecords(role);
  existing.delete(name);
  existing.set(name, record);
  const entries = [...existing.entries()].sort((a, b) => a[1].revoked.localeCompare(b[1].revoked));
  const kept = entries.slice(Math.max(0, entries.length - LIMITS.maxRevocationRecords));
  const out: Record<string, RevocationRecord> = {};
  for (const [key, value] of kept) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  role[REVOKED_FIELD] = out;
}

/** Forget a record (the name was signed again). */
export function clearRevocation(role: TargetsJSON, name: string): void {
  const field = role[REVOKED_FIELD];
  if (isRecord(field) && Object.hasOwn(field, name)) delete field[name];
}

/** The record for `name` in a targets document (wire form, possibly untrusted shape). */
export function revocationOf(role: unknown, name: string): RevocationRecord | undefined {
  if (!isRecord(role)) return undefined;
  const field = role[REVOKED_FIELD];
  if (!isRecord(field) || !Object.hasOwn(field, name)) return undefined;
  return asRecord(field[name]);
}

/** Every well-formed record of a targets document, by target name. */
export function readRecords(role: unknown): Map<string, RevocationRecord> {
  const out = new Map<string, RevocationRecord>();
  if (!isRecord(role)) return out;
  const field = role[REVOKED_FIELD];
  if (!isRecord(field)) return out;
  for (const [name, value] of Object.entries(field)) {
    const record = asRecord(value);
    if (record) out.set(name, record);
  }
  return out;
}

function asRecord(value: unknown): RevocationRecord | undefined {
  if (!isRecord(value) || typeof value['revoked'] !== 'string') return undefined;
  const record: RevocationRecord = { revoked: value['revoked'] };
  if (typeof value['sha256'] === 'string') record.sha256 = value['sha256'];
  if (typeof value['reason'] === 'string') record.reason = value['reason'];
  return record;
}
