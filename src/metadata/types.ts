// Wire types of TUF 1.0 metadata (https://theupdateframework.github.io/specification/latest/).
// signet edits these documents in place, so fields it does not know are kept
// and signed over; camelCase lives only in signet's own API types.

export const SPEC_VERSION = '1.0.31';

export type RoleType = 'root' | 'targets' | 'snapshot' | 'timestamp';
export const TOP_LEVEL_ROLES: readonly RoleType[] = ['root', 'targets', 'snapshot', 'timestamp'];

export interface KeyJSON {
  keytype: string;
  scheme: string;
  keyval: { public: string; [field: string]: unknown };
  [field: string]: unknown;
}

export interface SignatureJSON {
  keyid: string;
  sig: string;
  [field: string]: unknown;
}

/** `{"signed": ..., "signatures": [...]}` */
export interface Envelope<T> {
  signed: T;
  signatures: SignatureJSON[];
  [field: string]: unknown;
}

interface Common {
  _type: string;
  spec_version: string;
  version: number;
  expires: string;
  [field: string]: unknown;
}

export interface RoleKeysJSON {
  keyids: string[];
  threshold: number;
  [field: string]: unknown;
}

export interface RootJSON extends Common {
  _type: 'root';
  consistent_snapshot: boolean;
  keys: Record<string, KeyJSON>;
  roles: Record<string, RoleKeysJSON>;
}

export interface TargetFileJSON {
  length: number;
  hashes: Record<string, string>;
  custom?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface DelegatedRoleJSON extends RoleKeysJSON {
  name: string;
  terminating: boolean;
  paths?: string[];
  path_hash_prefixes?: string[];
}

/** TAP 15 succinct hashed bins. */
export interface SuccinctRolesJSON extends RoleKeysJSON {
  bit_length: number;
  name_prefix: string;
}

export interface DelegationsJSON {
  keys: Record<string, KeyJSON>;
  roles?: DelegatedRoleJSON[];
  succinct_roles?: SuccinctRolesJSON;
  [field: string]: unknown;
}

export interface TargetsJSON extends Common {
  _type: 'targets';
  targets: Record<string, TargetFileJSON>;
  delegations?: DelegationsJSON;
}

export interface MetaFileJSON {
  version: number;
  length?: number;
  hashes?: Record<string, string>;
  [field: string]: unknown;
}

export interface SnapshotJSON extends Common {
  _type: 'snapshot';
  meta: Record<string, MetaFileJSON>;
}

export interface TimestampJSON extends Common {
  _type: 'timestamp';
  meta: Record<string, MetaFileJSON>;
}

/** Parse metadata bytes into an envelope, checking only the shape signet relies on. */
export function parseEnvelope<T extends Common>(bytes: Uint8Array, expectedType: string, what: string): Envelope<T> {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (cause) {
    throw new MetadataFormatError(`${what} is not valid JSON`, cause);
  }
  if (!isRecord(doc) || !isRecord(doc['signed']) || !Array.isArray(doc['signatures'])) {
    throw new MetadataFormatError(`${what} is not a TUF metadata envelope`);
  }
  const signed = doc['signed'];
  if (signed['_type'] !== expectedType) {
    throw new MetadataFormatError(`${what} has _type ${String(signed['_type'])}, expected ${expectedType}`);
  }
  if (!Number.isSafeInteger(signed['version']) || (signed['version'] as number) < 1) {
    throw new MetadataFormatError(`${what} has an invalid version`);
  }
  if (typeof signed['expires'] !== 'string') {
    throw new MetadataFormatError(`${what} has no expiry`);
  }
  return doc as unknown as Envelope<T>;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import { VerificationError } from '../errors.js';

export class MetadataFormatError extends VerificationError {
  override name = 'MetadataFormatError';
  constructor(message: string, cause?: unknown) {
    super('metadata-format', message, cause === undefined ? undefined : { cause });
  }
}
