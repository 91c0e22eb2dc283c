// Small rules about metadata files shared by the writer: role key lookup,
// serialisation, and the checks a file must pass against the role above it
// (length, hash, version) before the writer builds on it.

import type { Envelope, RoleKeysJSON, RootJSON, TargetsJSON } from '../metadata/types.js';
import { sha256Hex } from '../metadata/digest.js';
import type { MetadataStore } from '../store/metadata-store.js';
import { VerificationError } from '../errors.js';

export function roleKeys(root: Envelope<RootJSON>, role: string): RoleKeysJSON {
  const entry = Object.hasOwn(root.signed.roles, role) ? root.signed.roles[role] : undefined;
  if (!entry) throw new VerificationError('metadata-format', `root does not define the ${role} role`);
  return entry;
}

export function serialize(envelope: Envelope<unknown>): Buffer {
  return Buffer.from(JSON.stringify(envelope), 'utf8');
}

export function emptyTargets(expires: string): Envelope<TargetsJSON> {
  return { signed: { _type: 'targets', spec_version: '1.0.31', version: 0, expires, targets: {} }, signatures: [] };
}

export async function requireFile(store: MetadataStore, name: string, maxBytes: number): Promise<Uint8Array> {
  const bytes = await store.get(name, maxBytes);
  if (bytes === undefined) throw new VerificationError('missing-metadata', `${store.location} is missing ${name}`);
  return bytes;
}

/**
 * A snapshot (or timestamp) entry pinning `bytes`: version, length and
 * sha256 (TUF 4.4 METAFILES). Verifiers (tuf-js) then refuse any other file
 * of that version before parsing it, and cap its download at `length`.
 */
export function metaFileFor(version: number, bytes: Uint8Array): { version: number; length: number; hashes: { sha256: string } } {
  return { version, length: bytes.length, hashes: { sha256: sha256Hex(bytes) } };
}

/** Whether a snapshot entry pins its file's bytes (older signet snapshots recorded only versions). */
export function pinsBytes(meta: { length?: number; hashes?: Record<string, string> }): boolean {
  return typeof meta.length === 'number' && typeof meta.hashes?.['sha256'] === 'string';
}

export function checkMetaFile(role: string, meta: { length?: number; hashes?: Record<string, string> }, bytes: Uint8Array): void {
  if (meta.length !== undefined && meta.length !== bytes.length) {
    throw new VerificationError('length-mismatch', `${role} is ${bytes.length} bytes, expected ${meta.length}`);
  }
  const expected = meta.hashes?.['sha256'];
  if (expected !== undefined && expected !== sha256Hex(bytes)) {
    throw new VerificationError('hash-mismatch', `${role} does not match the sha256 its parent role records`);
  }
}

/** The role a snapshot `meta` entry names, or undefined for a malformed name (`a%zz.json`, from another tool). */
export function decodedRoleName(file: string): string | undefined {
  try {
    return decodeURIComponent(file.replace(/\.json$/, ''));
  } catch {
    return undefined;
  }
}

export function checkVersion(role: string, actual: number, expected: number): void {
  if (actual !== expected) throw new VerificationError('version-mismatch', `${role} is version ${actual}, expected ${expected}`);
}

