// Signature checks in Notary's dialect: the message is the canonical JSON of
// `signed`; `method` picks the algorithm (ECDSA as raw r‖s over SHA-256,
// ed25519, RSA-PSS/PKCS#1 v1.5 over SHA-256); each trusted key counts once.

import { constants, verify } from 'node:crypto';
import { canonicalBytes } from '../metadata/canonical-json.js';
import { shortKeyId } from '../keys/key-id.js';
import { VerificationError } from '../errors.js';
import { LIMITS } from '../limits.js';
import type { NotaryEnvelope, NotaryKeyJSON } from './notary-metadata.js';
import { notaryKeyId, parseNotaryKey, type NotaryPublicKey } from './notary-keys.js';

/** The keys one role trusts and how many of them must sign. */
export interface NotaryRoleKeys {
  role: string;
  keys: ReadonlyMap<string, NotaryKeyJSON>;
  threshold: number;
}

export interface NotaryThresholdResult {
  role: string;
  threshold: number;
  /** Key ids whose signature verified, in signature order. */
  valid: string[];
  /** Trusted key ids that did not sign validly. */
  missing: string[];
}

const MIN_RSA_BITS = 2048;

/** True when `signature` (raw bytes) by `key` over `message` verifies with `method`. */
export function verifyNotarySignature(method: string, key: NotaryPublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    switch (method.toLowerCase()) {
      case 'eddsa':
        return key.algorithm === 'ed25519' && signature.length === 64 && verify(null, message, key.keyObject, signature);
      case 'ecdsa': {
        if (key.algorithm !== 'ecdsa') return false;
        // Notary requires exactly 2 × the curve's byte size (raw r‖s, no DER).
        const bits = key.keyObject.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? 384 : key.keyObject.asymmetricKeyDetails?.namedCurve === 'secp521r1' ? 521 : 256;
        if (signature.length !== 2 * Math.ceil(bits / 8)) return false;
        return verify('sha256', message, { key: key.keyObject, dsaEncoding: 'ieee-p1363' }, signature);
      }
      case 'rsapss':
        if (!rsaKeyLongEnough(key)) return false;
        return verify('sha256', message, { key: key.keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
      case 'rsapkcs1v15':
        if (!rsaKeyLongEnough(key)) return false;
        return verify('sha256', message, { key: key.keyObject, padding: constants.RSA_PKCS1_PADDING }, signature);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

function rsaKeyLongEnough(key: NotaryPublicKey): boolean {
  return key.algorithm === 'rsa' && (key.keyObject.asymmetricKeyDetails?.modulusLength ?? 0) >= MIN_RSA_BITS;
}

/**
 * Count the distinct trusted public keys with a valid signature on `envelope`:
 * one key listed under two ids (or as a bare key and in a certificate) counts
 * once. A signature naming a key whose id is not the id of its content is
 * refused outright, as notary refuses it (signed/verify.go, ErrInvalidKeyID).
 */
export function checkNotaryThreshold(envelope: NotaryEnvelope<unknown>, roleKeys: NotaryRoleKeys): NotaryThresholdResult {
  let message: Buffer;
  try {
    message = canonicalBytes(envelope.signed);
  } catch (cause) {
    throw new VerificationError('notary-format', `${roleKeys.role} cannot be put in canonical JSON`, { cause });
  }
  const valid: string[] = [];
  const counted = new Set<string>();
  let tried = 0;
  for (const signature of envelope.signatures) {
    if (++tried > LIMITS.maxSignaturesTried) break;
    if (valid.includes(signature.keyid)) continue;
    const key = roleKeys.keys.get(signature.keyid);
    if (!key) continue;
    if (notaryKeyId(key) !== signature.keyid) {
      throw new VerificationError(
        'notary-bad-key-id',
        `${roleKeys.role} lists key ${shortKeyId(signature.keyid)} whose content has the id ${shortKeyId(notaryKeyId(key))}: a key id must be the hash of its key (notary refuses this too)`,
      );
    }
    const parsed = parseNotaryKey(key);
    if (!parsed) continue;
    // One public key, however many ids name it, counts once toward the threshold.
    const material = parsed.keyObject.export({ format: 'der', type: 'spki' }).toString('base64');
    if (counted.has(material)) continue;
    if (verifyNotarySignature(signature.method, parsed, message, Buffer.from(signature.sig, 'base64'))) {
      valid.push(signature.keyid);
      counted.add(material);
    }
  }
  const missing = [...roleKeys.keys.keys()].filter((id) => !valid.includes(id));
  return { role: roleKeys.role, threshold: roleKeys.threshold, valid, missing };
}

/**
 * Throws VerificationError (notary-below-threshold) naming the role, the
 * counts and the keys that did not sign; returns the valid signer key ids.
 */
export function requireNotaryThreshold(envelope: NotaryEnvelope<unknown>, roleKeys: NotaryRoleKeys, collection: string): string[] {
  if (roleKeys.threshold < 1) {
    throw new VerificationError('notary-bad-threshold', `${roleKeys.role} of ${collection} has threshold ${roleKeys.threshold}; Notary requires at least 1`);
  }
  const result = checkNotaryThreshold(envelope, roleKeys);
  if (result.valid.length >= result.threshold) return result.valid;
  throw new VerificationError(
    'notary-below-threshold',
    `${result.role} of ${collection} has ${result.valid.length}/${result.threshold} valid signatures` +
      ` (no valid signature from: ${result.missing.map(shortKeyId).join(', ') || 'any trusted key'}); the data may have been tampered with`,
  );
}

/** The keys a role entry names, looked up in `keys` (absent ids are skipped). */
export function roleKeysOf(role: string, keyIds: readonly string[], keys: Readonly<Record<string, NotaryKeyJSON>>, threshold: number): NotaryRoleKeys {
  const map = new Map<string, NotaryKeyJSON>();
  for (const id of keyIds) {
    if (Object.hasOwn(keys, id)) map.set(id, keys[id] as NotaryKeyJSON);
  }
  return { role, keys: map, threshold };
}
