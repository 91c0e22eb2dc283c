// The smallest signing capability: a key id, its public key, and sign(bytes).
// Private key material never leaves an implementation of this interface.

import type { KeyJSON } from '../metadata/types.js';
import { ed25519KeyJSON, privateKeyObject, signEd25519 } from './ed25519.js';
import { keyIdOf } from './key-id.js';

export interface Signer {
  readonly keyId: string;
  readonly publicKey: KeyJSON;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** A Signer over an ed25519 seed held in memory. */
export function ed25519Signer(seed: Uint8Array, publicKey: Uint8Array): Signer {
  const key = privateKeyObject(seed, publicKey);
  const publicKeyJSON = ed25519KeyJSON(publicKey);
  return {
    keyId: keyIdOf(publicKeyJSON),
    publicKey: publicKeyJSON,
    sign: async (message) => signEd25519(key, message),
  };
}

/**
 * Where a publish finds its signers: called with the role and the key ids the
 * metadata trusts for it; returns the signers it can provide (possibly fewer
 * than the threshold, then the publish fails naming the missing keys).
 */
export type SignerProvider = (role: string, keyIds: readonly string[]) => Promise<Signer[]>;
