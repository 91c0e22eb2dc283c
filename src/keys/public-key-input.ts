// A public key named on the command line: a key id (or unique prefix of at
// least 8 hex digits) from the local keystore, or a file holding a TUF key
// object, a JSON document with a "public" TUF key (signet key files and
// exports), or an ed25519 SPKI PEM. Files are bounded and symlinks refused.

import { resolve } from 'node:path';
import { createPublicKey } from 'node:crypto';
import type { KeyJSON } from '../metadata/types.js';
import { isRecord } from '../metadata/types.js';
import { ED25519, ed25519KeyJSON } from './ed25519.js';
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
  if (!isRecord(key) || key['keytype'] !== ED25519 || key['scheme'] !== ED25519 || !isRecord(key['keyval']) || typeof key['keyval']['public'] !== 'string' || !/^[0-9a-f]{64}$/.test(key['keyval']['public'])) {
    throw new UsageError('bad-public-key', `${spec} does not hold an ed25519 public key in TUF form`);
  }
  // Rebuild the object so only the standard fields (which the key id covers) are kept.
  return ed25519KeyJSON(Buffer.from(key['keyval']['public'], 'hex'));
}

function fromPem(text: string, spec: string): KeyJSON {
  try {
    const jwk = createPublicKey({ key: text, format: 'pem' }).export({ format: 'jwk' });
    if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not ed25519');
    return ed25519KeyJSON(Buffer.from(jwk.x, 'base64url'));
  } catch (cause) {
    throw new UsageError('bad-public-key', `${spec} is not an ed25519 public key`, { cause });
  }
}
