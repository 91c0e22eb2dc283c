// Notary v1 public keys: key ids over `{"keytype","keyval":{"private":null,
// "public":<base64>}}` canonical JSON, node:crypto key objects for ed25519,
// ecdsa (DER SPKI) and rsa keys, and x509-wrapped keys (`ecdsa-x509`, `rsa-x509`).

import { createHash, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { canonicalBytes } from '../metadata/canonical-json.js';
import type { NotaryKeyJSON } from './notary-metadata.js';

/** A parsed key: what it can verify, and for x509 keys the certificate bundle (leaf first). */
export interface NotaryPublicKey {
  keyType: string;
  /** `ed25519`, `ecdsa` or `rsa`: which signature methods apply. */
  algorithm: 'ed25519' | 'ecdsa' | 'rsa';
  keyObject: KeyObject;
  certificates?: X509Certificate[];
}

/**
 * Notary's key id: sha256 of the canonical JSON of the key with `private`
 * set to null and `public` in standard base64 (notaryproject/notary
 * tuf/data/keys.go, TUFKey.ID). For x509 keys this is
 * the "certificate id" that trust pinning names.
 */
export function notaryKeyId(key: NotaryKeyJSON): string {
  // notary decodes `public` to bytes and re-encodes it for the id: base64 with
  // a newline in it names the same key, but under another id than its content's.
  const normal = { keytype: key.keytype, keyval: { private: null, public: Buffer.from(key.keyval.public, 'base64').toString('base64') } };
  return createHash('sha256').update(canonicalBytes(normal)).digest('hex');
}

/**
 * The canonical key id of an x509 key: the id of the bare public key inside
 * the leaf certificate (what `notary key list` prints for a root key). For
 * other keys, the key id itself.
 */
export function canonicalNotaryKeyId(key: NotaryKeyJSON): string | undefined {
  const parsed = parseNotaryKey(key);
  if (!parsed) return undefined;
  if (!parsed.certificates) return notaryKeyId(key);
  const spki = parsed.keyObject.export({ format: 'der', type: 'spki' });
  return notaryKeyId({ keytype: parsed.algorithm, keyval: { public: spki.toString('base64') } });
}

/** Parse a key; undefined when its type is unknown or its material is malformed (it then verifies nothing). */
export function parseNotaryKey(key: NotaryKeyJSON): NotaryPublicKey | undefined {
  const material = typeof key.keyval?.public === 'string' ? Buffer.from(key.keyval.public, 'base64') : undefined;
  if (!material) return undefined;
  try {
    switch (key.keytype) {
      case 'ed25519': {
        if (material.length !== 32) return undefined;
        const keyObject = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: material.toString('base64url') }, format: 'jwk' });
        return { keyType: key.keytype, algorithm: 'ed25519', keyObject };
      }
      case 'ecdsa':
      case 'rsa': {
        const keyObject = createPublicKey({ key: material, format: 'der', type: 'spki' });
        return checkAlgorithm({ keyType: key.keytype, algorithm: key.keytype, keyObject });
      }
      case 'ecdsa-x509':
      case 'rsa-x509': {
        const certificates = parseCertificateBundle(material.toString('utf8'));
        const leaf = certificates[0];
        if (!leaf) return undefined;
        const algorithm = key.keytype === 'ecdsa-x509' ? 'ecdsa' : 'rsa';
        return checkAlgorithm({ keyType: key.keytype, algorithm, keyObject: leaf.publicKey, certificates });
      }
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

function checkAlgorithm(key: NotaryPublicKey): NotaryPublicKey | undefined {
  const type = key.keyObject.asymmetricKeyType;
  if (key.algorithm === 'ecdsa' && type !== 'ec') return undefined;
  if (key.algorithm === 'rsa' && type !== 'rsa') return undefined;
  return key;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;
const MAX_BUNDLE_CERTIFICATES = 16;

/** Every CERTIFICATE block of a PEM bundle, in order (leaf first in Notary roots). */
export function parseCertificateBundle(pem: string): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const block of pem.match(PEM_CERTIFICATE) ?? []) {
    if (out.length >= MAX_BUNDLE_CERTIFICATES) break;
    out.push(new X509Certificate(block));
  }
  return out;
}

/** The subject CN of a certificate, or undefined. */
export function commonNameOf(certificate: X509Certificate): string | undefined {
  for (const line of certificate.subject.split('\n')) {
    if (line.startsWith('CN=')) return line.slice(3);
  }
  return undefined;
}

/** An x509 key JSON for a PEM certificate, as Notary embeds it (base64 of the PEM text). */
export function x509KeyJSON(certificate: X509Certificate): NotaryKeyJSON {
  const keytype = certificate.publicKey.asymmetricKeyType === 'rsa' ? 'rsa-x509' : 'ecdsa-x509';
  return { keytype, keyval: { private: null, public: Buffer.from(certificate.toString(), 'utf8').toString('base64') } };
}

/** OIDs of SHA-1 certificate signatures, which Notary refuses for root certificates. */
const SHA1_SIGNATURE_OIDS = new Set(['1.2.840.113549.1.1.5', '1.2.840.10045.4.1', '1.2.840.10040.4.3']);

/** True when the certificate is signed with SHA-1 (read from its DER signatureAlgorithm). */
export function isSha1Signed(certificate: X509Certificate): boolean {
  const oid = signatureAlgorithmOid(certificate.raw);
  return oid !== undefined && SHA1_SIGNATURE_OIDS.has(oid);
}

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm SEQUENCE { OID, … }, signature }. */
function signatureAlgorithmOid(der: Buffer): string | undefined {
  const outer = derElement(der, 0);
  if (!outer || der[0] !== 0x30) return undefined;
  const tbs = derElement(der, outer.contentStart);
  if (!tbs) return undefined;
  const algorithm = derElement(der, tbs.end);
  if (!algorithm || der[tbs.end] !== 0x30) return undefined;
  const oid = derElement(der, algorithm.contentStart);
  if (!oid || der[algorithm.contentStart] !== 0x06) return undefined;
  const bytes = der.subarray(oid.contentStart, oid.end);
  if (bytes.length === 0) return undefined;
  const parts = [Math.floor(bytes[0]! / 40), bytes[0]! % 40];
  let value = 0;
  for (const byte of bytes.subarray(1)) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/** One DER element at `offset`: where its content starts and where it ends (short and long lengths). */
function derElement(der: Buffer, offset: number): { contentStart: number; end: number } | undefined {
  if (offset + 2 > der.length) return undefined;
  let length = der[offset + 1]!;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || contentStart + count > der.length) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[contentStart + i]!;
    contentStart += count;
  }
  const end = contentStart + length;
  return end <= der.length ? { contentStart, end } : undefined;
}
