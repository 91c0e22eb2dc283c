// A public key named on the command line: a key id (or unique prefix of at
// least 8 hex digits) from the local keystore, or a file holding a TUF key
// object, a JSON document with a "public" TUF key (signet key files and
// exports), or an SPKI PEM (ed25519 or ECDSA P-256). Files are bounded and symlinks refused.

import { resolve } from 'node:path';
import { createPublicKey } from 'node:crypto';
import type { KeyJSON } from '../metadata/types.js';
import { isRecord } from '../metadata/types.js';
import { keyJSONOfKeyObject, normalizePublicKey } from './key-schemes.js';
import type { Keystore } from './keystore.js';
import { readFileBounded } from '../store/atomic-file.js';
import { UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';

export async function readPublicKey(spec: string, keystore: Keystore, cwd: string): Promise<KeyJSON> {
  if (/^[0-9a-f]{8,64}$/.test(spec)) {
    const matches = (await keystore.list()).filter((k) => k.keyId.startsWith(spec));
    if (matches.length === 1) return matches[0]!.publicKey;
    if (matches.length > 1) throw new UsageError('ambiguous-key', `${spec} matches ${matches.length} keys in ${keystore.dir}; give more digits`);
  }
  const path = resolve(cwd, spec);
  const bytes = await readFileBounded(path, LIMITS.configFileBytes, { refuseSymlink: true });
  if (bytes === undefined) throw new UsageError('no-such-key', `${spec} is neither a key id in ${keystore.dir} nor a public key file`);
  const text = bytes.toString('utf8');
  if (text.includes('-----BEGIN PUBLIC KEY-----')) return fromPem(text, spec);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new UsageError('bad-public-key', `${spec} is not a public key (TUF key JSON or PEM)`, { cause });
  }
  const key = isRecord(doc) && isRecord(doc['public']) ? doc['public'] : doc;
  // Rebuilt so only the standard fields (which the key id covers) are kept.
  return normalizePublicKey(key, spec);
}

function fromPem(text: string, spec: string): KeyJSON {
  try {
    const key = keyJSONOfKeyObject(createPublicKey({ key: text, format: 'pem' }));
    if (!key) throw new Error('neither ed25519 nor P-256');
    return key;
  } catch (cause) {
    throw new UsageError('bad-public-key', `${spec} is not an ed25519 or ECDSA P-256 public key`, { cause });
  }
}
