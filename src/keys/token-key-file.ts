// The keystore's record of a key that lives on a PKCS#11 token
// (signet-token-key/v1): the public key, labels, and the RFC 7512 URI that
// finds the private key. It holds no secret and no PIN. Format only; no I/O.

import type { KeyJSON } from '../metadata/types.js';
import { isRecord } from '../metadata/types.js';
import { UsageError } from '../errors.js';

export const TOKEN_KEY_FORMAT = 'signet-token-key/v1';

export interface TokenKeyFile {
  format: typeof TOKEN_KEY_FORMAT;
  keyid: string;
  public: KeyJSON;
  role: string;
  repository: string;
  created: string;
  /** RFC 7512 URI of the private key (module-path and pin-source kept; never a pin-value). */
  pkcs11: string;
}

export function isTokenKeyDocument(doc: unknown): boolean {
  return isRecord(doc) && doc['format'] === TOKEN_KEY_FORMAT;
}

export function parseTokenKeyFile(doc: unknown, path: string): TokenKeyFile {
  const ok =
    isRecord(doc) &&
    doc['format'] === TOKEN_KEY_FORMAT &&
    typeof doc['keyid'] === 'string' &&
    isRecord(doc['public']) &&
    isRecord(doc['public']['keyval']) &&
    typeof doc['role'] === 'string' &&
    typeof doc['repository'] === 'string' &&
    typeof doc['created'] === 'string' &&
    typeof doc['pkcs11'] === 'string' &&
    doc['pkcs11'].startsWith('pkcs11:');
  if (!ok) throw new UsageError('bad-key-file', `${path} is not a signet token key record (${TOKEN_KEY_FORMAT})`);
  return doc as unknown as TokenKeyFile;
}

export function serializeTokenKeyFile(file: TokenKeyFile): string {
  return JSON.stringify(file, null, 2) + '\n';
}
