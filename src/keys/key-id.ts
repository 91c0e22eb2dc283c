// TUF key ids: the hex SHA-256 of the canonical JSON of the public key object
// (TUF spec, "Document formats": KEYID).

import { createHash } from 'node:crypto';
import { canonicalBytes } from '../metadata/canonical-json.js';
import type { KeyJSON } from '../metadata/types.js';

export function keyIdOf(key: KeyJSON): string {
  return createHash('sha256').update(canonicalBytes(key)).digest('hex');
}

/** The short form shown to people: the first 12 hex digits. */
export function shortKeyId(keyId: string): string {
  return keyId.slice(0, 12);
}

/**
 * A fingerprint people read aloud to each other during a ceremony: the key id
 * in groups of four, e.g. "3f2a 91c0 ...".
 */
export function fingerprint(keyId: string): string {
  return (keyId.match(/.{1,4}/g) ?? []).join(' ');
}
