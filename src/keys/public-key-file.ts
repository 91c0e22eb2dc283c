// The one parser of public key files, wherever a key is named (root create,
// delegation add, key rotate, root rotate …; see public-key-input.ts): signet's
// export (signet-public-key/v1, what `key generate --public-out` and `key
// export` write), a bare TUF key object, `{ "public": <TUF key> }`, or an SPKI
// PEM (ed25519 or ECDSA P-256). Each is read bounded, symlinks refused; key
// types are handled in key-schemes.ts.

import { createPublicKey } from 'node:crypto';
import type { KeyJSON } from '../metadata/types.js';
import { isRecord } from '../metadata/types.js';
import { ED25519 } from './ed25519.js';
import { keyJSONOfKeyObject, normalizePublicKey } from './key-schemes.js';
import { keyIdOf, shortKeyId } from './key-id.js';
import { readFileBounded } from '../store/atomic-file.js';
import { UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';

export const PUBLIC_KEY_FORMAT = 'signet-public-key/v1';

/** What `signet key export` writes for a public key. */
export interface PublicKeyExport {
  format: typeof PUBLIC_KEY_FORMAT;
  keyid: string;
  role: string;
  repository: string;
  key: KeyJSON;
}

export interface PublicKeyRead {
  keyId: string;
  key: KeyJSON;
  /** The role label of a signet export, when present (informational only). */
  role?: string;
}

/** Read one public key file; throws a UsageError naming the file when it is not one. */
export async function readPublicKeyFile(path: string): Promise<PublicKeyRead> {
  const bytes = await readFileBounded(path, LIMITS.configFileBytes, { refuseSymlink: true });
  if (bytes === undefined) throw new UsageError('no-such-file', `public key file ${path} does not exist`);
  return parsePublicKey(bytes, path);
}

export function parsePublicKey(bytes: Uint8Array, where: string): PublicKeyRead {
  const text = Buffer.from(bytes).toString('utf8').trim();
  if (text.startsWith('-----BEGIN PUBLIC KEY-----')) return fromPem(text, where);
  if (text.includes('PRIVATE KEY')) throw privateKeyGiven(where);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new UsageError('bad-public-key', `${where} is neither JSON nor a PEM public key`, { cause });
  }
  if (!isRecord(doc)) throw new UsageError('bad-public-key', `${where} is not a public key file`);
  if (typeof doc['format'] === 'string' && doc['format'].startsWith('signet-key/')) throw privateKeyGiven(where);
  if (doc['format'] === PUBLIC_KEY_FORMAT) {
    const key = checkKey(doc['key'], where);
    const keyId = keyIdOf(key);
    if (doc['keyid'] !== keyId) {
      throw new UsageError('public-key-mismatch', `${where} claims key id ${shortKeyId(String(doc['keyid']))} but holds key ${shortKeyId(keyId)}; it was modified`);
    }
    const read: PublicKeyRead = { keyId, key };
    if (typeof doc['role'] === 'string') read.role = doc['role'];
    return read;
  }
  // `{ "public": <TUF key> }` (other tools' key documents), else a bare TUF key object.
  const key = checkKey(isRecord(doc['public']) && !isRecord(doc['keyval']) ? doc['public'] : doc, where);
  return { keyId: keyIdOf(key), key };
}

/** ed25519 or ECDSA P-256 keys in the TUF form signet writes, rebuilt so no extra fields ride along into root.json. */
function checkKey(value: unknown, where: string): KeyJSON {
  if (!isRecord(value) || !isRecord(value['keyval'])) throw new UsageError('bad-public-key', `${where} does not hold a TUF key object`);
  return normalizePublicKey(value, where);
}

function fromPem(text: string, where: string): PublicKeyRead {
  let jwk: { kty?: string; crv?: string; x?: string };
  try {
    jwk = createPublicKey({ key: text, format: 'pem' }).export({ format: 'jwk' }) as typeof jwk;
  } catch (cause) {
    throw new UsageError('bad-public-key', `${where} is not a readable PEM public key`, { cause });
  }
  const key = keyJSONOfKeyObject(createPublicKey({ key: text, format: 'pem' }));
  if (!key) throw new UsageError('unsupported-key-type', `${where} holds a ${jwk.crv ?? jwk.kty ?? 'different'} key; signet keys are ed25519 or ECDSA P-256`);
  return { keyId: keyIdOf(key), key };
}

function privateKeyGiven(where: string): UsageError {
  return new UsageError('private-key-given', `${where} is a private key; pass the public key (\`signet key export KEYID > key.pub.json\`)`);
}

/** The SPKI PEM form of a TUF key, for tools that want PEM (an ECDSA key already is one). */
export function publicKeyPem(key: KeyJSON): string {
  if (key.keytype !== ED25519) return key.keyval.public;
  const x = Buffer.from(key.keyval.public, 'hex').toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' }).export({ format: 'pem', type: 'spki' }).toString();
}
