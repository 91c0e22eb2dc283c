// The keys one operation may use, built once by the front end (the CLI, the
// demo, a library user) and handed to workflows in their context: signers for
// the key ids a role trusts, new keys when a workflow needs one, and public
// keys named on the command line. Workflows never open a keystore themselves.
// The keystore code loads on first use, so commands that sign nothing (verify)
// do not pay for it at start-up.

import { join } from 'node:path';
import type { KeyJSON } from '../metadata/types.js';
import type { Keystore, KeyInfo, PassphraseProvider, TokenKeys } from './keystore.js';
import type { SignerProvider } from './signer.js';
import type { KeyAlgorithm } from './key-schemes.js';
import { serialPassphrases } from './serial-passphrases.js';
import { closeOpenTokens, loadTokenKeys } from './token-loader.js';

export interface KeyRingOptions {
  /** SIGNET_HOME: the keystore is SIGNET_HOME/keys. */
  home: string;
  /** Passphrases for software keys and PINs for token keys (purpose `pin`). */
  passphrases: PassphraseProvider;
  /** The algorithm of keys made for workflows (init, key rotate); ed25519 by default. */
  algorithm?: KeyAlgorithm;
  /** Open token keys with this instead of keys/pkcs11/ (tests of other tokens). */
  tokens?: () => Promise<TokenKeys>;
}

export class KeyRing {
  /** Signers for the keys this machine holds; each key is unlocked at most once per ring. */
  readonly signers: SignerProvider;
  /** Where the keystore keeps key files and token key records. */
  readonly dir: string;
  private readonly options: KeyRingOptions;
  private readonly passphrases: PassphraseProvider;
  private keystore?: Promise<Keystore>;
  private provider?: Promise<SignerProvider>;

  constructor(options: KeyRingOptions) {
    this.options = options;
    this.dir = join(options.home, 'keys');
    this.passphrases = serialPassphrases(options.passphrases);
    this.signers = async (role, keyIds) => {
      this.provider ??= this.store().then((keystore) => keystore.signerProvider(this.passphrases));
      return (await this.provider)(role, keyIds);
    };
  }

  private store(): Promise<Keystore> {
    this.keystore ??= import('./keystore.js').then((m) => new m.Keystore(this.options.home, this.options.tokens ?? loadTokenKeys));
    return this.keystore;
  }

  /** A new software key for `role`, encrypted under a new passphrase. */
  async generate(role: string, repository: string, now: Date): Promise<KeyInfo> {
    return (await this.store()).generate(role, repository, this.passphrases, now, this.options.algorithm ?? 'ed25519');
  }

  /** Delete a software key this ring made (init removes the keys of an attempt that published nothing). */
  async remove(keyId: string): Promise<void> {
    await (await this.store()).remove(keyId);
  }

  /** True when this machine holds the private half of `keyId` (in a file or on a token). */
  async holds(keyId: string): Promise<boolean> {
    return (await this.store()).has(keyId);
  }

  /** A public key named on the command line: a key id (prefix) held here, or a public key file. */
  async publicKey(spec: string, cwd: string): Promise<KeyJSON> {
    const { readPublicKey } = await import('./public-key-input.js');
    return readPublicKey(spec, await this.store(), cwd);
  }

  /** Log out of and release any PKCS#11 token this ring opened. Safe to call more than once. */
  close(): Promise<void> {
    return closeOpenTokens();
  }
}
