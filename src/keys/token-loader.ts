// Loads keys/pkcs11/ (and through it the optional pkcs11js binding) the first
// time a token key is used, and remembers that it did, so the front end can
// close every token session when a command ends without loading anything
// for the users who never touch hardware.

import type { TokenKeys } from './keystore.js';

let opened = false;

export async function loadTokenKeys(): Promise<TokenKeys> {
  opened = true;
  return (await import('./pkcs11/token-keys.js')).tokenKeys;
}

/** Log out of and release every PKCS#11 token this process opened. Never throws. */
export async function closeOpenTokens(): Promise<void> {
  if (!opened) return;
  opened = false;
  const { closeTokens } = await import('./pkcs11/token-keys.js');
  await closeTokens().catch(() => undefined);
}
