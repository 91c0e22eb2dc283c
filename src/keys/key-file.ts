// The signet key file format (signet-key/v1): a 32-byte secret (an ed25519
// seed, or a P-256 private scalar when `public` is an ECDSA key) encrypted with
// AES-256-GCM under a scrypt-derived key, every public field bound as
// associated data so any edit is detected. Format and crypto only; no I/O.

import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto';
import { canonicalBytes } from '../metadata/canonical-json.js';
import type { KeyJSON } from '../metadata/types.js';
import { isRecord } from '../metadata/types.js';
import { keyIdOf, shortKeyId } from './key-id.js';
import { UsageError } from '../errors.js';

export const KEY_FORMAT = 'signet-key/v1';

/** scrypt cost: N=2^16, r=8 (64 MiB, ~0.2 s per unlock on our machines). */
export const DEFAULT_SCRYPT = Object.freeze({ n: 65536, r: 8, p: 1 } as const);

type ScryptCost = { readonly n: number; readonly r: number; readonly p: number };
let newKeyCost: ScryptCost = DEFAULT_SCRYPT;

/**
 * The test suite's seam (test/support/fast-scrypt.ts, a vitest setup file):
 * new key files in that process get a cheaper scrypt cost, so hundreds of
 * unlocks do not dominate the suite. Not reachable from the CLI, the
 * environment or the package's API (src/index.ts); the shipped default is
 * checked by test/keys/key-file-cost.test.ts through the built CLI.
 */
export function setNewKeyScryptCostForTests(cost: ScryptCost): void {
  newKeyCost = Object.freeze({ ...cost });
}


export interface KeyFile {
  format: string;
  keyid: string;
  public: KeyJSON;
  role: string;
  repository: string;
  created: string;
  kdf: { name: 'scrypt'; n: number; r: number; p: number; salt: string };
  cipher: { name: 'aes-256-gcm'; nonce: string };
  ciphertext: string;
}

export class WrongPassphraseError extends UsageError {
  override name = 'WrongPassphraseError';
  constructor(keyId: string, cause?: unknown) {
    super('wrong-passphrase', `wrong passphrase for key ${shortKeyId(keyId)}, or the key file was modified; nothing was changed`, cause === undefined ? undefined : { cause });
  }
}

/** A key file whose public fields do not agree with each other: edited by hand or by an attacker. */
export class KeyFileTamperedError extends UsageError {
  override name = 'KeyFileTamperedError';
  constructor(path: string, why: string) {
    super('key-file-tampered', `${path} was modified: ${why}; restore it from your backup`);
  }
}

export function parseKeyFile(bytes: Uint8Array, path: string): KeyFile {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (cause) {
    throw new UsageError('bad-key-file', `${path} is not a signet key file`, { cause });
  }
  const ok =
    isRecord(doc) &&
    doc['format'] === KEY_FORMAT &&
    typeof doc['keyid'] === 'string' &&
    isRecord(doc['public']) &&
    isRecord(doc['public']['keyval']) &&
    isRecord(doc['kdf']) &&
    typeof doc['kdf']['salt'] === 'string' &&
    isRecord(doc['cipher']) &&
    typeof doc['cipher']['nonce'] === 'string' &&
    typeof doc['ciphertext'] === 'string';
  if (!ok) throw new UsageError('bad-key-file', `${path} is not a signet key file (${KEY_FORMAT})`);
  return doc as unknown as KeyFile;
}

export async function encryptKey(seed: Uint8Array, keyJSON: KeyJSON, keyId: string, role: string, repository: string, passphrase: string, now: Date): Promise<KeyFile> {
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const kdf = { name: 'scrypt' as const, ...newKeyCost, salt: salt.toString('base64') };
  const header: Omit<KeyFile, 'ciphertext'> = {
    format: KEY_FORMAT,
    keyid: keyId,
    public: keyJSON,
    role,
    repository,
    created: now.toISOString(),
    kdf,
    cipher: { name: 'aes-256-gcm', nonce: nonce.toString('base64') },
  };
  const key = await deriveKey(passphrase, kdf);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(associatedData(header));
  const ciphertext = Buffer.concat([cipher.update(seed), cipher.final(), cipher.getAuthTag()]);
  return { ...header, ciphertext: ciphertext.toString('base64') };
}

export async function decryptKey(file: KeyFile, passphrase: string): Promise<Uint8Array> {
  if (file.kdf.name !== 'scrypt' || file.cipher.name !== 'aes-256-gcm') {
    throw new UsageError('bad-key-file', `key ${shortKeyId(file.keyid)} uses an unsupported KDF or cipher`);
  }
  const { ciphertext, ...header } = file;
  const data = Buffer.from(ciphertext, 'base64');
  if (data.length !== 32 + 16) throw new WrongPassphraseError(file.keyid);
  const key = await deriveKey(passphrase, file.kdf);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(file.cipher.nonce, 'base64'));
    decipher.setAAD(associatedData(header));
    decipher.setAuthTag(data.subarray(32));
    return Buffer.concat([decipher.update(data.subarray(0, 32)), decipher.final()]);
  } catch (cause) {
    throw new WrongPassphraseError(file.keyid, cause);
  }
}

/** Everything but the ciphertext, canonicalised: editing any public field breaks decryption. */
function associatedData(header: Omit<KeyFile, 'ciphertext'>): Buffer {
  return canonicalBytes(header);
}

function deriveKey(passphrase: string, kdf: KeyFile['kdf']): Promise<Buffer> {
  const { n, r, p } = kdf;
  if (![n, r, p].every((v) => Number.isSafeInteger(v) && v > 0) || n > 2 ** 20 || r > 32 || p > 16) {
    throw new UsageError('bad-key-file', 'key file has out-of-range scrypt parameters');
  }
  const options: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scryptCb(passphrase.normalize('NFC'), Buffer.from(kdf.salt, 'base64'), 32, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export function serializeKeyFile(file: KeyFile): string {
  return JSON.stringify(file, null, 2) + '\n';
}

/** Cheap checks before any passphrase is asked: the key id is the TUF id of the public key it names. */
export function checkKeyFileIntegrity(file: Pick<KeyFile, 'keyid' | 'public' | 'role' | 'repository' | 'created'>, where: string): void {
  let computed: string;
  try {
    computed = keyIdOf(file.public);
  } catch {
    throw new KeyFileTamperedError(where, 'its public key is malformed');
  }
  if (computed !== file.keyid) throw new KeyFileTamperedError(where, `its key id ${shortKeyId(file.keyid)} is not the id of its public key (${shortKeyId(computed)})`);
  if (typeof file.role !== 'string' || typeof file.repository !== 'string' || typeof file.created !== 'string') {
    throw new KeyFileTamperedError(where, 'its labels are malformed');
  }
}

