// Small rules about metadata files shared by the writer: role key lookup,
// serialisation, and the checks a file must pass against the role above it
// (length, hash, version) before the writer builds on it.

import type { Envelope, MetaFileJSON, RoleKeysJSON, RootJSON, TargetsJSON } from '../metadata/types.js';
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

type SnapshotMeta = Record<string, MetaFileJSON>;

/**
 * The key of `role` in a snapshot's `meta`: the role name as it is, plus
 * `.json` (TUF 4.4; tuf-js and python-tuf look it up so). Only file names and
 * URLs percent-encode it (metadataFileName). signet before 2026-11-23 wrote the
 * encoded form here for names with characters such as `/`, which verifiers
 * did not find: such a key is still read until the role is published under its
 * spec key, and kept in the snapshot after that (see setSnapshotEntry).
 */
export function snapshotKey(meta: SnapshotMeta, role: string): string {
  const raw = `${role}.json`;
  if (Object.hasOwn(meta, raw)) return raw;
  const legacy = `${encodeURIComponent(role)}.json`;
  return Object.hasOwn(meta, legacy) ? legacy : raw;
}

/** The snapshot entry of `role`, or undefined when the snapshot does not list it. */
export function snapshotEntry(meta: SnapshotMeta, role: string): MetaFileJSON | undefined {
  const key = snapshotKey(meta, role);
  return Object.hasOwn(meta, key) ? meta[key] : undefined;
}

/**
 * Record `role`'s entry under its spec key. An encoded key older signet wrote
 * for it stays as it was: tuf-js refuses a new snapshot that drops a file the
 * one it trusts lists, so removing it would lock out every verifier that saw
 * the older snapshot. Lookups here prefer the spec key (snapshotKey).
 */
export function setSnapshotEntry(meta: SnapshotMeta, role: string, entry: MetaFileJSON): void {
  meta[`${role}.json`] = entry;
}

/**
 * The role names a snapshot `meta` key may stand for, most likely first: the
 * key without `.json`, then its percent-decoding when that differs (a key
 * older signet wrote). The caller keeps the first one that is delegated.
 */
export function roleNamesOfSnapshotKey(file: string): string[] {
  if (!file.endsWith('.json')) return [];
  const raw = file.slice(0, -'.json'.length);
  try {
    const decoded = decodeURIComponent(raw);
    return decoded === raw || encodeURIComponent(decoded) !== raw ? [raw] : [raw, decoded];
  } catch {
    return [raw];
  }
}

export function checkVersion(role: string, actual: number, expected: number): void {
  if (actual !== expected) throw new VerificationError('version-mismatch', `${role} is version ${actual}, expected ${expected}`);
}

