// Ed25519 public-key derivation (node:crypto) against RFC 8032 and @noble/ed25519.

import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { publicKeyOf } from '../../src/keys/ed25519.js';

ed.hashes.sha512 = (message: Uint8Array) => sha512(message) as Uint8Array<ArrayBuffer>;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('publicKeyOf', () => {
  it('derives the RFC 8032 test 1 public key from its secret key', async () => {
    const seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
    expect(hex(await publicKeyOf(seed))).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
  });

  it('agrees with @noble/ed25519 on random seeds', async () => {
    for (let i = 0; i < 20; i++) {
      const seed = new Uint8Array(randomBytes(32));
      expect(hex(await publicKeyOf(seed))).toBe(hex(ed.getPublicKey(seed)));
    }
  });

  it('refuses a seed that is not 32 bytes', async () => {
    await expect(publicKeyOf(new Uint8Array(31))).rejects.toThrow(/32 bytes/);
  });
});
