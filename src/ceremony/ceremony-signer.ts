// The key a ceremony participant means on the command line: a key id (or
// unique prefix) in the keystore, a signet private key file, or their public
// key file (the private half is then looked up in the keystore by key id).

import { resolve } from 'node:path';
import { Keystore, type KeyInfo, type PassphraseProvider } from '../keys/keystore.js';
import type { Signer } from '../keys/signer.js';
import { parsePublicKey } from '../keys/public-key-file.js';
import { readFileBounded } from '../store/atomic-file.js';
import { LIMITS } from '../limits.js';

/** What `--key ARG` names: a private key file path, or a key id in the keystore. */
export type KeyReference = { kind: 'file'; path: string } | { kind: 'keystore'; keyId: string };

/** An existing file is read (symlinks refused); anything else is a key id or prefix. */
export async function resolveKeyReference(keystore: Keystore, arg: string, cwd: string): Promise<KeyReference> {
  const path = resolve(cwd, arg);
  const looksLikePath = arg.includes('/') || /\.(key|json|pem|pub)$/.test(arg);
  const bytes = await readFileBounded(path, LIMITS.configFileBytes, { refuseSymlink: true }).catch((error: unknown) => {
    if (looksLikePath) throw error;
    return undefined;
  });
  if (bytes === undefined) {
    if (looksLikePath) return { kind: 'file', path }; // the keystore reports the missing file
    return { kind: 'keystore', keyId: await keystore.resolveKeyId(arg) };
  }
  if (bytes.toString('utf8').includes('"signet-key/')) return { kind: 'file', path };
  const { keyId } = parsePublicKey(bytes, path);
  return { kind: 'keystore', keyId: await keystore.resolveKeyId(keyId) };
}

/** The full key id in this keystore for a key id, prefix or public key file. */
export async function resolveKeystoreKeyId(keystore: Keystore, arg: string, cwd: string): Promise<string> {
  const ref = await resolveKeyReference(keystore, arg, cwd);
  if (ref.kind === 'keystore') return ref.keyId;
  return (await keystore.readKeyFile(ref.path)).keyid;
}

export async function loadCeremonySigner(
  keystore: Keystore,
  keyArg: string,
  cwd: string,
  passphrases: PassphraseProvider,
): Promise<{ signer: Signer; info: KeyInfo }> {
  const ref = await resolveKeyReference(keystore, keyArg, cwd);
  const { signer, info } = ref.kind === 'file' ? await keystore.unlockFile(ref.path, passphrases) : await keystore.unlock(ref.keyId, passphrases);
  return { signer, info };
}
