// Crafts Notary v1 collections signed by test keys, for attacks the real
// notary CLI will not produce (paths, thresholds, wrong keys, DER signatures,
// expired certificates). Written in a trust-directory layout. TEST-ONLY keys.

import { createHash, generateKeyPairSync, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { canonicalBytes } from '../../src/metadata/canonical-json.js';
import { notaryKeyId } from '../../src/notary/notary-keys.js';
import type { NotaryEnvelope, NotaryFileMetaJSON, NotaryKeyJSON } from '../../src/notary/notary-metadata.js';
import { selfSignedCertificate } from './notary-server.js';

export interface CraftKey {
  json: NotaryKeyJSON;
  id: string;
  method: 'ecdsa' | 'eddsa';
  private: KeyObject;
}

export function ecdsaKey(): CraftKey {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const json = { keytype: 'ecdsa', keyval: { private: null, public: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') } };
  return { json, id: notaryKeyId(json), method: 'ecdsa', private: privateKey };
}

export function ed25519Key(): CraftKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
  const json = { keytype: 'ed25519', keyval: { private: null, public: raw.toString('base64') } };
  return { json, id: notaryKeyId(json), method: 'eddsa', private: privateKey };
}

/** An `ecdsa-x509` root key: a self-signed P-256 certificate with CN `cn`, made by openssl. */
export async function rootCertificateKey(cn: string, days = 30, digest = 'sha256', options: { ca?: boolean } = {}): Promise<CraftKey> {
  const dir = await mkdtemp(join(tmpdir(), 'signet-notary-craft-'));
  // A leaf (CA:FALSE), as notary generates them: notary refuses a root key whose bundle has no leaf.
  const extensions = options.ca ? ['basicConstraints=critical,CA:TRUE'] : ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature'];
  const { keyFile, certFile } = await selfSignedCertificate(dir, 'TEST-ONLY-root', cn, extensions, days, digest);
  const json = { keytype: 'ecdsa-x509', keyval: { private: null, public: (await readFile(certFile)).toString('base64') } };
  const key = createPrivateKey(await readFile(keyFile));
  await rm(dir, { recursive: true, force: true });
  return { json, id: notaryKeyId(json), method: 'ecdsa', private: key };
}

/** Sign `signed` as Notary does: canonical JSON, ECDSA raw r‖s over SHA-256 or ed25519. */
export function envelope<T>(signed: T, keys: CraftKey[], options: { derSignatures?: boolean } = {}): NotaryEnvelope<T> {
  const message = canonicalBytes(signed);
  return {
    signed,
    signatures: keys.map((key) => ({
      keyid: key.id,
      method: key.method,
      sig: (key.method === 'eddsa'
        ? sign(null, message, key.private)
        : sign('sha256', message, { key: key.private, dsaEncoding: options.derSignatures ? 'der' : 'ieee-p1363' })
      ).toString('base64'),
    })),
  };
}

export function fileMeta(bytes: Uint8Array): NotaryFileMetaJSON {
  return {
    length: bytes.length,
    hashes: { sha256: createHash('sha256').update(bytes).digest('base64'), sha512: createHash('sha512').update(bytes).digest('base64') },
  };
}

export interface CraftedDelegation {
  name: string;
  paths: string[];
  keys: CraftKey[];
  threshold: number;
  targets: Record<string, { sha256: string; length: number }>;
  /** Keys that actually sign it (default: all of `keys`). */
  signers?: CraftKey[];
}

export interface CraftOptions {
  gun: string;
  root: CraftKey;
  targetsKeys?: CraftKey[];
  targetsThreshold?: number;
  /** Keys that actually sign targets (default: all targets keys). */
  targetsSigners?: CraftKey[];
  targets: Record<string, { sha256: string; length: number }>;
  delegations?: CraftedDelegation[];
  expires?: string;
  timestampExpires?: string;
  derSignatures?: boolean;
  /** Record this (different) root in the snapshot instead of the real one. */
  snapshotRootBytes?: Uint8Array;
}

const FAR = '2099-01-01T00:00:00Z';

/** Write a signed collection to `<trustDir>/tuf/<gun>/metadata/`; returns the trust dir. */
export async function craftCollection(options: CraftOptions): Promise<string> {
  const snapshotKey = ecdsaKey();
  const timestampKey = ed25519Key();
  const targetsKeys = options.targetsKeys ?? [ecdsaKey()];
  const expires = options.expires ?? FAR;
  const keys: Record<string, NotaryKeyJSON> = {};
  for (const k of [options.root, snapshotKey, timestampKey, ...targetsKeys]) keys[k.id] = k.json;
  const root = envelope(
    {
      _type: 'Root',
      consistent_snapshot: false,
      expires,
      keys,
      roles: {
        root: { keyids: [options.root.id], threshold: 1 },
        snapshot: { keyids: [snapshotKey.id], threshold: 1 },
        targets: { keyids: targetsKeys.map((k) => k.id), threshold: options.targetsThreshold ?? 1 },
        timestamp: { keyids: [timestampKey.id], threshold: 1 },
      },
      version: 1,
    },
    [options.root],
    { derSignatures: options.derSignatures ?? false },
  );
  const files = new Map<string, Buffer>();
  const put = (role: string, value: unknown) => files.set(role, Buffer.from(JSON.stringify(value)));
  put('root', root);
  const delegationKeys: Record<string, NotaryKeyJSON> = {};
  for (const d of options.delegations ?? []) for (const k of d.keys) delegationKeys[k.id] = k.json;
  const targetsFiles = (t: CraftOptions['targets']) => Object.fromEntries(Object.entries(t).map(([name, v]) => [name, { hashes: { sha256: Buffer.from(v.sha256, 'hex').toString('base64') }, length: v.length }]));
  put(
    'targets',
    envelope(
      {
        _type: 'Targets',
        delegations: { keys: delegationKeys, roles: (options.delegations ?? []).map((d) => ({ name: d.name, keyids: d.keys.map((k) => k.id), threshold: d.threshold, paths: d.paths })) },
        expires,
        targets: targetsFiles(options.targets),
        version: 3,
      },
      options.targetsSigners ?? targetsKeys,
    ),
  );
  for (const d of options.delegations ?? []) {
    put('' + d.name, envelope({ _type: 'Targets', delegations: { keys: {}, roles: [] }, expires, targets: targetsFiles(d.targets), version: 1 }, d.signers ?? d.keys));
  }
  const meta: Record<string, NotaryFileMetaJSON> = {};
  for (const [role, bytes] of files) meta[role] = fileMeta(role === 'root' && options.snapshotRootBytes ? options.snapshotRootBytes : bytes);
  put('snapshot', envelope({ _type: 'Snapshot', expires, meta, version: 4 }, [snapshotKey]));
  put('timestamp', envelope({ _type: 'Timestamp', expires: options.timestampExpires ?? FAR, meta: { snapshot: fileMeta(files.get('snapshot')!) }, version: 5 }, [timestampKey]));

  const trustDir = await mkdtemp(join(tmpdir(), 'signet-notary-crafted-'));
  for (const [role, bytes] of files) {
    const path = join(trustDir, 'tuf', ...options.gun.split('/'), 'metadata', ...role.split('/')) + '.json';
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  }
  return trustDir;
}

/** The online keys of one root version (crafted collections with key rotations). */
export interface OnlineKeys {
  targets: CraftKey;
  snapshot: CraftKey;
  timestamp: CraftKey;
}

export function onlineKeys(): OnlineKeys {
  return { targets: ecdsaKey(), snapshot: ecdsaKey(), timestamp: ed25519Key() };
}

export interface CraftedRole {
  name: string;
  version: number;
  targets: Record<string, { sha256: string; length: number }>;
  /** Delegations this role makes (name, keys, threshold, paths). */
  delegations?: Array<{ name: string; keys: CraftKey[]; threshold: number; paths: string[] }>;
  /** Keys that sign it (targets: the online targets key). */
  signers?: CraftKey[];
  /** Extra keys to list in delegations.keys (e.g. one key under two ids). */
  extraKeys?: Record<string, NotaryKeyJSON>;
}

export interface CraftFilesOptions {
  root: CraftKey;
  rootVersion: number;
  keys: OnlineKeys;
  /** `targets` first, then delegated roles. */
  roles: CraftedRole[];
  snapshotVersion: number;
  timestampVersion: number;
  expires?: string;
  /** Keep each version's root as `<n>.root` too (what notary-server serves). */
  olderRoots?: Map<string, Uint8Array>;
  /** The targets role's keys and threshold in root (default: the online targets key, 1); all of them sign targets. */
  targetsKeys?: CraftKey[];
  targetsThreshold?: number;
}

/**
 * One state of a collection as notary-server serves it: role name → bytes
 * (`root`, `targets`, `targets/releases`, `snapshot`, `timestamp`, `<n>.root`).
 */
export function craftFiles(options: CraftFilesOptions): Map<string, Uint8Array> {
  const expires = options.expires ?? FAR;
  const { keys } = options;
  const rootKeys: Record<string, NotaryKeyJSON> = {};
  const targetsKeys = options.targetsKeys ?? [keys.targets];
  for (const k of [options.root, keys.snapshot, keys.timestamp, ...targetsKeys]) rootKeys[k.id] = k.json;
  const files = new Map<string, Uint8Array>(options.olderRoots ?? []);
  const put = (role: string, value: unknown) => files.set(role, Buffer.from(JSON.stringify(value)));
  const root = envelope(
    {
      _type: 'Root',
      consistent_snapshot: false,
      expires,
      keys: rootKeys,
      roles: {
        root: { keyids: [options.root.id], threshold: 1 },
        snapshot: { keyids: [keys.snapshot.id], threshold: 1 },
        targets: { keyids: targetsKeys.map((k) => k.id), threshold: options.targetsThreshold ?? 1 },
        timestamp: { keyids: [keys.timestamp.id], threshold: 1 },
      },
      version: options.rootVersion,
    },
    [options.root],
  );
  put('root', root);
  put(`${options.rootVersion}.root`, root);
  const targetsFiles = (t: CraftedRole['targets']) => Object.fromEntries(Object.entries(t).map(([name, v]) => [name, { hashes: { sha256: Buffer.from(v.sha256, 'hex').toString('base64') }, length: v.length }]));
  for (const role of options.roles) {
    const delegationKeys: Record<string, NotaryKeyJSON> = { ...role.extraKeys };
    for (const d of role.delegations ?? []) for (const k of d.keys) delegationKeys[k.id] = k.json;
    const roles = (role.delegations ?? []).map((d) => ({ name: d.name, keyids: d.keys.map((k) => k.id), threshold: d.threshold, paths: d.paths }));
    const signers = role.signers ?? (role.name === 'targets' ? targetsKeys : []);
    put(role.name, envelope({ _type: 'Targets', delegations: { keys: delegationKeys, roles }, expires, targets: targetsFiles(role.targets), version: role.version }, signers));
  }
  const meta: Record<string, NotaryFileMetaJSON> = {};
  for (const [role, bytes] of files) if (!/^\d+\.root$/.test(role)) meta[role] = fileMeta(bytes);
  put('snapshot', envelope({ _type: 'Snapshot', expires, meta, version: options.snapshotVersion }, [keys.snapshot]));
  put('timestamp', envelope({ _type: 'Timestamp', expires, meta: { snapshot: fileMeta(files.get('snapshot')!) }, version: options.timestampVersion }, [keys.timestamp]));
  return files;
}

/** The PEM certificate inside an `ecdsa-x509` root key. */
export function certificatePemOf(key: CraftKey): string {
  return Buffer.from(key.json.keyval.public, 'base64').toString('utf8');
}
