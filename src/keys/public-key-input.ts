// A public key named on the command line (`--key` of delegation add, key
// rotate, root create, root rotate): a key id (or unique prefix of at least 8
// hex digits) from the local keystore, else a public key file read by the one
// parser in public-key-file.ts.

import { resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import type { Keystore } from './keystore.js';
import { readPublicKeyFile, type PublicKeyRead } from './public-key-file.js';
import type { KeyJSON } from '../metadata/types.js';
import { UsageError } from '../errors.js';

const KEY_ID_PREFIX = /^[0-9a-f]{8,64}$/;

/** The key `spec` names: a keystore key id wins over a file of the same name only when it matches a key. */
export async function resolvePublicKey(spec: string, keystore: Keystore, cwd: string): Promise<PublicKeyRead> {
  if (KEY_ID_PREFIX.test(spec)) {
    const matches = (await keystore.list()).filter((k) => k.keyId.startsWith(spec));
    if (matches.length === 1) return { keyId: matches[0]!.keyId, key: matches[0]!.publicKey };
    if (matches.length > 1) throw new UsageError('ambiguous-key', `${spec} matches ${matches.length} keys in ${keystore.dir}; give more digits`);
  }
  const path = resolve(cwd, spec);
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  if (!exists) {
    throw new UsageError(
      'no-such-key',
      `${spec} is neither a key id in ${keystore.dir} nor a public key file (\`signet key generate --public-out FILE\` or \`signet key export KEYID\` write one)`,
    );
  }
  return readPublicKeyFile(path);
}

export async function readPublicKey(spec: string, keystore: Keystore, cwd: string): Promise<KeyJSON> {
  return (await resolvePublicKey(spec, keystore, cwd)).key;
}
