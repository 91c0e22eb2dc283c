// The key a ceremony participant signs with, named on the command line either
// as a key file path or as a key id (or unique prefix) in the keystore.

import { promises as fs } from 'node:fs';
import { resolve } from 'node:path';
import { Keystore, type KeyInfo, type PassphraseProvider } from '../keys/keystore.js';
import type { Signer } from '../keys/signer.js';

/** `--key` is a path when it names an existing file or contains a path separator, else a key id. */
export async function loadCeremonySigner(
  keystore: Keystore,
  keyArg: string,
  cwd: string,
  passphrases: PassphraseProvider,
): Promise<{ signer: Signer; info: KeyInfo }> {
  const path = resolve(cwd, keyArg);
  if (keyArg.includes('/') || keyArg.endsWith('.key') || (await exists(path))) {
    const { signer, info } = await keystore.unlockFile(path, passphrases);
    return { signer, info };
  }
  const { signer, info } = await keystore.unlock(await keystore.resolveKeyId(keyArg), passphrases);
  return { signer, info };
}

async function exists(path: string): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch {
    return false;
  }
}
