// The smallest signing capability: a key id, its public key, and sign(bytes).
// Private key material never leaves an implementation of this interface:
// software keys keep a node:crypto KeyObject, token keys a PKCS#11 handle.

import type { KeyObject } from 'node:crypto';
import type { KeyJSON } from '../metadata/types.js';
import { ed25519KeyJSON, privateKeyObject, publicKeyOf, signEd25519 } from './ed25519.js';
import { ecdsaPrivateKeyObject, ecdsaPublicKeyOf, signEcdsaP256 } from './ecdsa.js';
import { keyIdOf } from './key-id.js';
import type { KeyAlgorithm } from './key-schemes.js';

export interface Signer {
  readonly keyId: string;
  readonly publicKey: KeyJSON;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** A Signer over an ed25519 seed held in memory. */
export function ed25519Signer(seed: Uint8Array, publicKey: Uint8Array): Signer {
  const key = privateKeyObject(seed, publicKey);
  return keyObjectSigner(ed25519KeyJSON(publicKey), (message) => signEd25519(key, message));
}

/** A Signer over a P-256 private scalar held in memory (DER signatures). */
export function ecdsaSigner(scalar: Uint8Array, publicKey: KeyJSON): Signer {
  const key: KeyObject = ecdsaPrivateKeyObject(scalar, publicKey);
  return keyObjectSigner(publicKey, (message) => signEcdsaP256(key, message));
}

/**
 * The public key a 32-byte software secret (ed25519 seed or P-256 scalar)
 * stands for, derived from the secret itself.
 */
export async function publicKeyOfSecret(algorithm: KeyAlgorithm, secret: Uint8Array): Promise<KeyJSON> {
  return algorithm === 'ed25519' ? ed25519KeyJSON(await publicKeyOf(secret)) : ecdsaPublicKeyOf(secret);
}

/** A Signer over a software secret whose public key was derived by publicKeyOfSecret. */
export function softwareSigner(algorithm: KeyAlgorithm, secret: Uint8Array, publicKey: KeyJSON): Signer {
  if (algorithm === 'ed25519') return ed25519Signer(secret, Buffer.from(publicKey.keyval.public, 'hex'));
  return ecdsaSigner(secret, publicKey);
}

function keyObjectSigner(publicKey: KeyJSON, sign: (message: Uint8Array) => Uint8Array): Signer {
  return { keyId: keyIdOf(publicKey), publicKey, sign: async (message) => sign(message) };
}

/**
 * Where a publish finds its signers: called with the role and the key ids the
 * metadata trusts for it; returns the signers it can provide (possibly fewer
 * than the threshold, then the publish fails naming the missing keys).
 */
export type SignerProvider = (role: string, keyIds: readonly string[]) => Promise<Signer[]>;
