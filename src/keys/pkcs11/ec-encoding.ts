// The few DER shapes a P-256 token key needs: the curve parameters
// (CKA_EC_PARAMS), the public point (CKA_EC_POINT, usually wrapped in an
// OCTET STRING), the SPKI that node:crypto and TUF PEM keys use, and the DER
// signature TUF expects from the raw r‖s a token returns (PKCS#11 CKM_ECDSA).

import { UsageError } from '../../errors.js';

/** DER OBJECT IDENTIFIER 1.2.840.10045.3.1.7 (prime256v1). */
export const P256_PARAMS = Buffer.from('06082a8648ce3d030107', 'hex');

/** SPKI prefix for an uncompressed P-256 point (id-ecPublicKey, prime256v1, BIT STRING of 66 bytes). */
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

/** The 65-byte uncompressed point from CKA_EC_POINT (DER OCTET STRING, or raw as some tokens return it). */
export function pointOf(value: Buffer | undefined): Buffer {
  if (value && value.length === 67 && value[0] === 0x04 && value[1] === 0x41 && value[2] === 0x04) return value.subarray(2);
  if (value && value.length === 65 && value[0] === 0x04) return value;
  throw new UsageError('pkcs11-unsupported-key', 'the token returned an EC point signet cannot read (expected an uncompressed P-256 point)');
}

export function p256Spki(point: Buffer): Buffer {
  return Buffer.concat([P256_SPKI_PREFIX, point]);
}

/** DER SEQUENCE { INTEGER r, INTEGER s } from the 64-byte r‖s of CKM_ECDSA. */
export function derSignature(raw: Buffer): Buffer {
  if (raw.length !== 64) throw new UsageError('pkcs11-sign-failed', `the token returned a ${raw.length}-byte ECDSA signature; a P-256 signature is 64 bytes`);
  const body = Buffer.concat([derInteger(raw.subarray(0, 32)), derInteger(raw.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function derInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  let value = bytes.subarray(start);
  if (value[0]! & 0x80) value = Buffer.concat([Buffer.from([0]), value]);
  return Buffer.concat([Buffer.from([0x02, value.length]), value]);
}
