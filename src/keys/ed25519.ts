// Ed25519 keys in TUF form. Key generation uses @noble/ed25519; public-key
// derivation, signing and verification, the hot paths, use node:crypto
// (about 15x faster for verification on our machines, see bench/).

import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import type { KeyJSON } from '../metadata/types.js';

export const ED25519 = 'ed25519';

/** A fresh 32-byte ed25519 seed and its public key. */
export async function generateEd25519(): Promise<{ seed: Uint8Array; publicKey: Uint8Array }> {
  const ed = await loadNoble();
  const seed = ed.utils.randomSecretKey();
  return { seed, publicKey: ed.getPublicKey(seed) };
}

/** PKCS#8 (RFC 8410) DER of an Ed25519 private key, before its 32-byte seed. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * The public key of a 32-byte seed, with node:crypto: every key unlock derives
 * it, and @noble/ed25519's first call builds its tables (~40 ms of CPU).
 */
export async function publicKeyOf(seed: Uint8Array): Promise<Uint8Array> {
  if (seed.length !== 32) throw new TypeError(`an ed25519 seed is 32 bytes, not ${seed.length}`);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  return new Uint8Array(Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x!, 'base64url'));
}

async function loadNoble() {
  const ed = await import('@noble/ed25519');
  const { sha512 } = await import('@noble/hashes/sha2.js');
  ed.hashes.sha512 = (message: Uint8Array) => sha512(message) as Uint8Array<ArrayBuffer>;
  return ed;
}

/** The TUF key object for an ed25519 public key (hex, as the spec's examples). */
export function ed25519KeyJSON(publicKey: Uint8Array): KeyJSON {
  return { keytype: ED25519, scheme: ED25519, keyval: { public: Buffer.from(publicKey).toString('hex') } };
}

export function privateKeyObject(seed: Uint8Array, publicKey: Uint8Array): KeyObject {
  return createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: b64url(seed), x: b64url(publicKey) },
    format: 'jwk',
  });
}

export function publicKeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(publicKey) }, format: 'jwk' });
}

export function signEd25519(key: KeyObject, message: Uint8Array): Uint8Array {
  return nodeSign(null, message, key);
}

/** False for a bad signature or a malformed key; never throws. */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    return nodeVerify(null, message, publicKeyObject(publicKey), signature);
  } catch {
    return false;
  }
}

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}
