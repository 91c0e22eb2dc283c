// ECDSA P-256 software keys: generation, the 32-byte private scalar the key
// file encrypts (the same size as an ed25519 seed), and signing with
// node:crypto. Signatures are DER, as the TUF reference implementations write.

import { createECDH, createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import type { KeyJSON } from '../metadata/types.js';
import { ecdsaKeyJSON, keyObjectOf } from './key-schemes.js';

/** A fresh P-256 key: its private scalar (32 bytes) and its TUF public key. */
export function generateEcdsaP256(): { scalar: Uint8Array; publicKey: KeyJSON } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { scalar: scalarOf(privateKey), publicKey: ecdsaKeyJSON(publicKey) };
}

/** The 32-byte private scalar of a P-256 private KeyObject (left-padded). */
export function scalarOf(privateKey: KeyObject): Uint8Array {
  const d = Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url');
  if (d.length > 32 || d.length === 0) throw new Error('not a P-256 private key');
  return Buffer.concat([Buffer.alloc(32 - d.length), d]);
}

/** The TUF public key of a P-256 private scalar (derived, never trusted from a file). */
export function ecdsaPublicKeyOf(scalar: Uint8Array): KeyJSON {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(scalar));
  const point = ecdh.getPublicKey(); // 0x04 ‖ x ‖ y
  const jwk = { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') };
  return ecdsaKeyJSON(createPublicKey({ key: jwk, format: 'jwk' }));
}

/** A private KeyObject for a scalar whose public key is `publicKey` (checked by the caller). */
export function ecdsaPrivateKeyObject(scalar: Uint8Array, publicKey: KeyJSON): KeyObject {
  const pub = keyObjectOf(publicKey);
  if (!pub) throw new Error('not a P-256 public key');
  const { x = '', y = '' } = pub.export({ format: 'jwk' });
  return createPrivateKey({ key: { kty: 'EC', crv: 'P-256', x, y, d: Buffer.from(scalar).toString('base64url') }, format: 'jwk' });
}

/** A DER ECDSA signature over SHA-256 of `message`. */
export function signEcdsaP256(key: KeyObject, message: Uint8Array): Uint8Array {
  return nodeSign('sha256', message, { key, dsaEncoding: 'der' });
}
