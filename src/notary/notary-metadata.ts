// Wire types of Notary v1 trust data (notaryproject/notary `tuf/data`), which
// is TUF's older dialect: capitalised `_type`, no `spec_version`, base64
// hashes and signatures with a `method`, snapshot entries without versions.

import { VerificationError } from '../errors.js';
import { isRecord } from '../metadata/types.js';

export type NotaryRoleType = 'Root' | 'Targets' | 'Snapshot' | 'Timestamp';

export interface NotaryKeyJSON {
  keytype: string;
  keyval: { public: string; private?: unknown; [field: string]: unknown };
  [field: string]: unknown;
}

export interface NotarySignatureJSON {
  keyid: string;
  /** `ecdsa`, `eddsa`, `rsapss`, `rsapkcs1v15` */
  method: string;
  /** base64 */
  sig: string;
  [field: string]: unknown;
}

export interface NotaryEnvelope<T> {
  signed: T;
  signatures: NotarySignatureJSON[];
  [field: string]: unknown;
}

interface NotaryCommon {
  _type: NotaryRoleType;
  version: number;
  expires: string;
  [field: string]: unknown;
}

export interface NotaryRoleKeysJSON {
  keyids: string[];
  threshold: number;
  [field: string]: unknown;
}

export interface NotaryRootJSON extends NotaryCommon {
  _type: 'Root';
  keys: Record<string, NotaryKeyJSON>;
  roles: Record<string, NotaryRoleKeysJSON>;
  consistent_snapshot?: boolean;
}

/** length + base64 hashes (sha256, sha512), as targets, snapshot and timestamp record files. */
export interface NotaryFileMetaJSON {
  length: number;
  hashes: Record<string, string>;
  custom?: unknown;
  [field: string]: unknown;
}

export interface NotaryDelegationJSON extends NotaryRoleKeysJSON {
  name: string;
  /** Target-name prefixes; "" matches everything. */
  paths?: string[];
  path_hash_prefixes?: string[];
}

export interface NotaryTargetsJSON extends NotaryCommon {
  _type: 'Targets';
  targets: Record<string, NotaryFileMetaJSON>;
  delegations?: { keys: Record<string, NotaryKeyJSON>; roles: NotaryDelegationJSON[] };
}

export interface NotarySnapshotJSON extends NotaryCommon {
  _type: 'Snapshot';
  meta: Record<string, NotaryFileMetaJSON>;
}

export interface NotaryTimestampJSON extends NotaryCommon {
  _type: 'Timestamp';
  meta: Record<string, NotaryFileMetaJSON>;
}

/**
 * Parse bytes into an envelope of `expected` type, checking the shape the
 * verifier relies on. Throws VerificationError (code notary-format) otherwise.
 */
export function parseNotaryEnvelope<T extends NotaryCommon>(bytes: Uint8Array, expected: NotaryRoleType, what: string): NotaryEnvelope<T> {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (cause) {
    throw formatError(`${what} is not valid JSON`, cause);
  }
  if (!isRecord(doc) || !isRecord(doc['signed']) || !Array.isArray(doc['signatures'])) {
    throw formatError(`${what} is not a Notary metadata envelope ({"signed":…,"signatures":[…]})`);
  }
  const signed = doc['signed'];
  // Notary compares _type case-insensitively (tuf/data ValidTUFType).
  if (typeof signed['_type'] !== 'string' || signed['_type'].toLowerCase() !== expected.toLowerCase()) {
    throw formatError(`${what} has _type ${JSON.stringify(signed['_type'])}, expected ${expected}`);
  }
  if (!Number.isSafeInteger(signed['version']) || (signed['version'] as number) < 0) {
    throw formatError(`${what} has an invalid version`);
  }
  if (typeof signed['expires'] !== 'string' || parseNotaryTime(signed['expires']) === undefined) {
    throw formatError(`${what} has no valid expiry`);
  }
  for (const sig of doc['signatures']) {
    if (!isRecord(sig) || typeof sig['keyid'] !== 'string' || typeof sig['method'] !== 'string' || typeof sig['sig'] !== 'string') {
      throw formatError(`${what} has a malformed signature entry`);
    }
  }
  checkShape(signed, expected, what);
  return doc as unknown as NotaryEnvelope<T>;
}

function checkShape(signed: Record<string, unknown>, expected: NotaryRoleType, what: string): void {
  const need = (field: string): Record<string, unknown> => {
    const value = signed[field];
    if (!isRecord(value)) throw formatError(`${what} has no ${field} object`);
    return value;
  };
  if (expected === 'Root') {
    checkKeys(need('keys'), what);
    for (const role of Object.values(need('roles'))) checkRoleKeys(role, what);
  } else if (expected === 'Targets') {
    for (const meta of Object.values(need('targets'))) checkFileMeta(meta, what);
    if (signed['delegations'] !== undefined) {
      const delegations = need('delegations');
      if (!isRecord(delegations['keys'])) throw formatError(`${what} has delegations without keys`);
      checkKeys(delegations['keys'], what);
      const roles = delegations['roles'] ?? [];
      if (!Array.isArray(roles)) throw formatError(`${what} has delegations.roles that is not a list`);
      for (const role of roles) {
        checkRoleKeys(role, what);
        if (typeof (role as Record<string, unknown>)['name'] !== 'string') throw formatError(`${what} has a delegation without a name`);
      }
    }
  } else {
    for (const meta of Object.values(need('meta'))) checkFileMeta(meta, what);
  }
}

function checkKeys(keys: Record<string, unknown>, what: string): void {
  for (const key of Object.values(keys)) {
    if (!isRecord(key) || typeof key['keytype'] !== 'string' || !isRecord(key['keyval']) || typeof key['keyval']['public'] !== 'string') {
      throw formatError(`${what} has a malformed key (keytype, keyval.public)`);
    }
  }
}

function checkRoleKeys(value: unknown, what: string): void {
  if (!isRecord(value) || !Array.isArray(value['keyids']) || !value['keyids'].every((k) => typeof k === 'string') || !Number.isSafeInteger(value['threshold'])) {
    throw formatError(`${what} has a malformed role entry (keyids, threshold)`);
  }
}

function checkFileMeta(value: unknown, what: string): void {
  if (!isRecord(value) || !Number.isSafeInteger(value['length']) || (value['length'] as number) < 0 || !isRecord(value['hashes'])) {
    throw formatError(`${what} has a malformed file entry (length, hashes)`);
  }
  for (const hash of Object.values(value['hashes'])) {
    if (typeof hash !== 'string') throw formatError(`${what} has a hash that is not a string`);
  }
}

const TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

/** Notary writes RFC 3339 with nanoseconds (Go time.Time); milliseconds since the epoch, or undefined. */
export function parseNotaryTime(text: string): number | undefined {
  const match = TIME.exec(text);
  if (!match) return undefined;
  const millis = (match[2] ?? '').padEnd(3, '0').slice(0, 3);
  const at = Date.parse(`${match[1]}.${millis}${match[3]}`);
  return Number.isFinite(at) ? at : undefined;
}

/** base64 → hex; undefined when `text` is not base64. */
export function base64ToHex(text: string): string | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  return Buffer.from(text, 'base64').toString('hex');
}

function formatError(message: string, cause?: unknown): VerificationError {
  return new VerificationError('notary-format', message, cause === undefined ? undefined : { cause });
}
