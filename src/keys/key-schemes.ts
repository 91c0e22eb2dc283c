// The one key-scheme dispatch: which TUF key types signet understands, how a
// TUF public key becomes a node:crypto KeyObject, and how a signature is
// checked. The writer's threshold counting and the ceremony use it; the Notary
// dialect (raw r‖s ECDSA) can call verifyWithKeyObject with 'ieee-p1363'.
//
// Formats are those of the TUF reference implementations (securesystemslib,
// python-tuf, tuf-js): ed25519 public keys as 64 hex digits, ECDSA P-256
// public keys as SPKI PEM with keytype `ecdsa` and scheme
// `ecdsa-sha2-nistp256`, ECDSA signatures as DER (SEQUENCE of r, s) in hex.

import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import type { KeyJSON } from '../metadata/types.js';
import { ED25519, ed25519KeyJSON, publicKeyObject as ed25519PublicKeyObject } from './ed25519.js';
import { UsageError } from '../errors.js';

export const ECDSA = 'ecdsa';
export const ECDSA_P256 = 'ecdsa-sha2-nistp256';

/** The algorithms signet makes keys for; `ecdsa-p256` is what tokens, PIV slots and KMSs offer. */
export type KeyAlgorithm = 'ed25519' | 'ecdsa-p256';
export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ['ed25519', 'ecdsa-p256'];

/** The algorithm of a TUF key, or undefined when signet cannot check its signatures. */
export function algorithmOf(key: KeyJSON): KeyAlgorithm | undefined {
  if (key.keytype === ED25519 && key.scheme === ED25519) return 'ed25519';
  // securesystemslib writes keytype `ecdsa`; older documents (and sigstore's
  // first roots) repeat the scheme as the keytype. Both name the same key.
  if ((key.keytype === ECDSA || key.keytype === ECDSA_P256) && key.scheme === ECDSA_P256) return 'ecdsa-p256';
  return undefined;
}

export function parseKeyAlgorithm(text: string): KeyAlgorithm {
  const wanted = text.toLowerCase();
  if (wanted === 'ed25519') return 'ed25519';
  if (wanted === 'ecdsa' || wanted === 'ecdsa-p256' || wanted === 'p256' || wanted === 'p-256' || wanted === ECDSA_P256) return 'ecdsa-p256';
  throw new UsageError('bad-key-type', `unknown key type ${JSON.stringify(text)}: use ed25519 or ecdsa (P-256)`);
}

// Parsing a PEM costs more than verifying with it; roots and delegations
// repeat the same few keys, so parsed keys are kept (bounded).
const parsed = new Map<string, KeyObject | null>();
const PARSED_CACHE_MAX = 256;

/**
 * The KeyObject of a TUF public key, or undefined when the key is malformed,
 * of an unsupported type, or (for ECDSA) not on the curve its scheme names.
 * Never throws.
 */
export function keyObjectOf(key: KeyJSON): KeyObject | undefined {
  const algorithm = algorithmOf(key);
  const value = key.keyval?.public;
  if (algorithm === undefined || typeof value !== 'string') return undefined;
  const cacheKey = `${algorithm}\u0000${value}`;
  const hit = parsed.get(cacheKey);
  if (hit !== undefined) return hit ?? undefined;
  let object: KeyObject | null = null;
  try {
    if (algorithm === 'ed25519') {
      if (/^[0-9a-f]{64}$/.test(value)) object = ed25519PublicKeyObject(Buffer.from(value, 'hex'));
    } else if (value.startsWith('-----BEGIN PUBLIC KEY-----')) {
      const candidate = createPublicKey({ key: value, format: 'pem' });
      if (candidate.asymmetricKeyType === 'ec' && candidate.asymmetricKeyDetails?.namedCurve === 'prime256v1') object = candidate;
    }
  } catch {
    object = null;
  }
  if (parsed.size >= PARSED_CACHE_MAX) parsed.clear();
  parsed.set(cacheKey, object);
  return object ?? undefined;
}

/**
 * True when `signature` by `key` over `message` verifies under the key's TUF
 * scheme. False for a bad signature, a malformed or unsupported key, or a
 * malformed signature; never throws.
 */
export function verifySignature(key: KeyJSON, message: Uint8Array, signature: Uint8Array): boolean {
  const algorithm = algorithmOf(key);
  const object = keyObjectOf(key);
  if (algorithm === undefined || object === undefined) return false;
  return verifyWithKeyObject(algorithm, object, message, signature, 'der');
}

/**
 * The primitive under verifySignature, for dialects that keep their own key
 * formats: ed25519 (64-byte signatures), or ECDSA P-256 over SHA-256 with a
 * DER (TUF) or raw r‖s ('ieee-p1363', Notary v1) signature. Never throws.
 */
export function verifyWithKeyObject(algorithm: KeyAlgorithm, key: KeyObject, message: Uint8Array, signature: Uint8Array, encoding: 'der' | 'ieee-p1363'): boolean {
  try {
    if (algorithm === 'ed25519') return key.asymmetricKeyType === 'ed25519' && signature.length === 64 && nodeVerify(null, message, key, signature);
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return false;
    if (encoding === 'ieee-p1363' && signature.length !== 64) return false;
    // A DER P-256 signature is at most 72 bytes; refuse anything longer before parsing.
    if (encoding === 'der' && (signature.length < 8 || signature.length > 72)) return false;
    return nodeVerify('sha256', message, { key, dsaEncoding: encoding }, signature);
  } catch {
    return false;
  }
}

/** The TUF key object of an ECDSA P-256 public KeyObject: SPKI PEM, as securesystemslib writes it. */
export function ecdsaKeyJSON(publicKey: KeyObject): KeyJSON {
  const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  return { keytype: ECDSA, scheme: ECDSA_P256, keyval: { public: pem.endsWith('\n') ? pem : `${pem}\n` } };
}

/**
 * The TUF key object of a public KeyObject (ed25519 or P-256), or undefined
 * for any other kind of key. Used to read PEM public keys.
 */
export function keyJSONOfKeyObject(publicKey: KeyObject): KeyJSON | undefined {
  if (publicKey.asymmetricKeyType === 'ed25519') {
    const jwk = publicKey.export({ format: 'jwk' });
    return typeof jwk.x === 'string' ? ed25519KeyJSON(Buffer.from(jwk.x, 'base64url')) : undefined;
  }
  if (publicKey.asymmetricKeyType === 'ec' && publicKey.asymmetricKeyDetails?.namedCurve === 'prime256v1') return ecdsaKeyJSON(publicKey);
  return undefined;
}

/**
 * A TUF key object from untrusted input, rebuilt with only the standard
 * fields (which the key id covers). Throws a UsageError naming `where` when
 * the key is malformed or of a type signet cannot check.
 */
export function normalizePublicKey(value: unknown, where: string): KeyJSON {
  const record = value as KeyJSON | undefined;
  if (typeof record !== 'object' || record === null || typeof record.keyval !== 'object' || record.keyval === null) {
    throw new UsageError('bad-public-key', `${where} does not hold a TUF key object`);
  }
  const algorithm = algorithmOf(record);
  if (algorithm === undefined) {
    throw new UsageError('unsupported-key-type', `${where} holds a ${String(record.keytype)}/${String(record.scheme)} key; signet keys are ed25519 or ecdsa/${ECDSA_P256}`);
  }
  const object = keyObjectOf(record);
  if (object === undefined) {
    const form = algorithm === 'ed25519' ? '64 lowercase hex digits' : 'a P-256 SPKI PEM ("-----BEGIN PUBLIC KEY-----")';
    throw new UsageError('bad-public-key', `${where}: an ${algorithm} public key is ${form}`);
  }
  return keyJSONOfKeyObject(object)!;
}

/** A person's name for an algorithm, e.g. in `key list`. */
export function algorithmLabel(key: KeyJSON): string {
  const algorithm = algorithmOf(key);
  return algorithm === 'ecdsa-p256' ? 'ecdsa-p256' : algorithm ?? `${key.keytype}/${key.scheme}`;
}
