// The keys one operation may use, built once by the front end (the CLI, the
// demo, a library user) and handed to workflows in their context: signers for
// the key ids a role trusts, new keys when a workflow needs one, and public
// keys named on the command line. Workflows never open a keystore themselves.

import type { KeyJSON } from '../metadata/types.js';
import { Keystore, type KeyInfo, type PassphraseProvider, type TokenKeys } from './keystore.js';
import type { SignerProvider } from './signer.js';
import type { KeyAlgorithm } from './key-schemes.js';
import { readPublicKey } from './public-key-input.js';
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
  private readonly keystore: Keystore;
  private readonly passphrases: PassphraseProvider;
  private readonly algorithm: KeyAlgorithm;

  constructor(options: KeyRingOptions) {
    this.keystore = new Keystore(options.home, options.tokens ?? loadTokenKeys);
    this.passphrases = serialPassphrases(options.passphrases);
    this.algorithm = options.algorithm ?? 'ed25519';
    this.signers = this.keystore.signerProvider(this.passphrases);
  }

  /** Where new keys are written (for messages). */
  get dir(): string {
    return this.keystore.dir;
  }

  /** A new software key for `role`, encrypted under a new passphrase. */
  generate(role: string, repository: string, now: Date): Promise<KeyInfo> {
    return this.keystore.generate(role, repository, this.passphrases, now, this.algorithm);
  }

  /** Delete a software key this ring made (init removes the keys of an attempt that published nothing). */
  async remove(keyId: string): Promise<void> {
    await this.keystore.remove(keyId);
  }

  /** True when this machine holds the private half of `keyId` (in a file or on a token). */
  holds(keyId: string): Promise<boolean> {
    return this.keystore.has(keyId);
  }

  /** A public key named on the command line: a key id (prefix) held here, or a public key file. */
  publicKey(spec: string, cwd: string): Promise<KeyJSON> {
    return readPublicKey(spec, this.keystore, cwd);
  }

  /** Log out of and release any PKCS#11 token this ring opened. Safe to call more than once. */
  close(): Promise<void> {
    return closeOpenTokens();
  }
}

