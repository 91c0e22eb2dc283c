// Throwaway TEST-ONLY key pairs of every type the TUF client must accept,
// generated per test run with node:crypto (no private key is stored anywhere).

import { createHash, generateKeyPairSync, sign, constants, type KeyObject } from 'node:crypto';
import { canonicalBytes } from '../../../src/metadata/canonical-json.js';

export type KeyKind = 'ed25519' | 'ecdsa' | 'ecdsa-sha2-nistp256' | 'rsa';

export interface TestKey {
  keyid: string;
  /** The TUF key object (keytype, scheme, keyval.public). */
  json: { keytype: string; scheme: string; keyval: { public: string } };
  /** Hex signature over `data`. */
  sign(data: Uint8Array): string;
}

export function generateTestKey(kind: KeyKind): TestKey {
  let json: TestKey['json'];
  let privateKey: KeyObject;
  let signWith: (data: Uint8Array) => Buffer;
  if (kind === 'ed25519') {
    const pair = generateKeyPairSync('ed25519');
    privateKey = pair.privateKey;
    const raw = pair.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    json = { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: raw.toString('hex') } };
    signWith = (data) => sign(null, data, privateKey);
  } else if (kind === 'rsa') {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    privateKey = pair.privateKey;
    json = { keytype: 'rsa', scheme: 'rsassa-pss-sha256', keyval: { public: pem(pair.publicKey) } };
    signWith = (data) => sign('sha256', data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  } else {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    privateKey = pair.privateKey;
    json = { keytype: kind, scheme: 'ecdsa-sha2-nistp256', keyval: { public: pem(pair.publicKey) } };
    signWith = (data) => sign('sha256', data, privateKey);
  }
  const keyid = createHash('sha256').update(canonicalBytes(json)).digest('hex');
  return { keyid, json, sign: (data) => signWith(data).toString('hex') };
}

function pem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'spki' }).toString();
}
