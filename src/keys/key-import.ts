// What `signet key import` accepts: a signet key file (signet-key/v1, still
// encrypted) or an unencrypted PKCS#8 PEM ed25519 or P-256 private key, as
// written by `openssl genpkey`. Parsing only; the keystore stores.

import { createPrivateKey } from 'node:crypto';
import type { KeyAlgorithm } from './key-schemes.js';
import { UsageError } from '../errors.js';
/** Every signet private key file format starts with this (signet-key/v1, ...). */
const KEY_FORMAT_PREFIX = 'signet-key/';

export type ImportedKey = { kind: 'signet' } | { kind: 'pkcs8'; algorithm: KeyAlgorithm; seed: Uint8Array };

const PKCS8_HEADER = '-----BEGIN PRIVATE KEY-----';
const ENCRYPTED_PKCS8_HEADER = '-----BEGIN ENCRYPTED PRIVATE KEY-----';

/** Classify and, for PKCS#8, decode the bytes of a key to import. Throws a UsageError otherwise. */
export function parseImport(bytes: Uint8Array): ImportedKey {
  const text = Buffer.from(bytes).toString('utf8');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    if (!trimmed.includes(`"${KEY_FORMAT_PREFIX}`)) {
      throw new UsageError('bad-key-file', 'the JSON file is not a signet private key file (a public key cannot be imported as a signing key)');
    }
    return { kind: 'signet' };
  }
  if (trimmed.includes(ENCRYPTED_PKCS8_HEADER)) {
    throw new UsageError(
      'encrypted-pkcs8',
      'encrypted PKCS#8 keys are not read directly; decrypt it on the same machine with `openssl pkey -in KEY.pem -out plain.pem`, import plain.pem, then shred it',
    );
  }
  if (!trimmed.includes(PKCS8_HEADER)) {
    throw new UsageError('bad-key-format', `not a key signet can import: expected a signet key file or a PKCS#8 PEM ("${PKCS8_HEADER}")`);
  }
  let jwk: { kty?: string; crv?: string; d?: string };
  try {
    jwk = createPrivateKey({ key: text, format: 'pem' }).export({ format: 'jwk' }) as typeof jwk;
  } catch (cause) {
    throw new UsageError('bad-key-format', 'the PEM file is not a readable PKCS#8 private key', { cause });
  }
  const ed25519 = jwk.kty === 'OKP' && jwk.crv === 'Ed25519';
  const p256 = jwk.kty === 'EC' && jwk.crv === 'P-256';
  if ((!ed25519 && !p256) || typeof jwk.d !== 'string') {
    throw new UsageError('unsupported-key-type', `signet keys are ed25519 or ECDSA P-256; this PEM holds a ${jwk.crv ?? jwk.kty ?? 'different'} key`);
  }
  const d = Buffer.from(jwk.d, 'base64url');
  if (d.length > 32 || (ed25519 && d.length !== 32)) throw new UsageError('bad-key-format', 'the private key is not 32 bytes');
  return { kind: 'pkcs8', algorithm: ed25519 ? 'ed25519' : 'ecdsa-p256', seed: Buffer.concat([Buffer.alloc(32 - d.length), d]) };
}
