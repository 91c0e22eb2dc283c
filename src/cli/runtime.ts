// What a command needs besides its options: the IO, a way to build the
// library context from the common flags, and output helpers. Commands are
// thin: they parse options, call a workflow, print the result.

import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CliIO } from './io.js';
import type { SignetContext } from '../workflows/context.js';
import { cliPassphrases, type PassphraseOptions } from './passphrase.js';
import { progressReporter } from './progress-bar.js';
import { printable } from './printable.js';
import { KeyRing } from '../keys/key-ring.js';
import { closeOpenTokens } from '../keys/token-loader.js';
import { parseKeyAlgorithm } from '../keys/key-schemes.js';
import { registryOptionsFrom, type RegistryCommandOptions } from './registry-options.js';

export interface CommonOptions extends PassphraseOptions {
  json?: boolean;
  policy?: string;
  /** `--key-type ed25519|ecdsa`: the algorithm of keys the command generates. */
  keyType?: string;
}

export class CliRuntime {
  readonly io: CliIO;
  /** Exit code the current command asks for (errors set it through the error map). */
  exitCode = 0;
  /** Options given before the command name (`signet --home DIR verify …`). */
  globals: { home?: string } = {};

  constructor(io: CliIO) {
    this.io = io;
  }

  /** SIGNET_HOME: --home, else the env var, else ~/.signet. */
  home(): string {
    const fromFlag = this.globals.home;
    if (fromFlag) return resolve(this.io.cwd, fromFlag);
    const fromEnv = this.io.env['SIGNET_HOME'];
    if (fromEnv) return resolve(this.io.cwd, fromEnv);
    return join(homedir(), '.signet');
  }

  /** The library context for one operation; the reference time is fixed here, once. */
  context(options: CommonOptions = {}): SignetContext {
    const home = this.home();
    const passphrases = cliPassphrases(this.io, options);
    const keys = new KeyRing({ home, passphrases, ...(options.keyType ? { algorithm: parseKeyAlgorithm(options.keyType) } : {}) });
    const ctx: SignetContext = {
      home,
      cwd: this.io.cwd,
      now: new Date(),
      passphrases,
      keys,
      log: (line) => this.io.err(`${printable(line)}\n`),
    };
    if (options.policy) ctx.policyPath = resolve(this.io.cwd, options.policy);
    if (this.io.stderrIsTTY) {
      ctx.progress = progressReporter({ isTTY: true, columns: this.io.stderrColumns ?? 80, write: (text) => this.io.err(text) }, this.io.env);
    }
    return ctx;
  }

  /** Release what the command's contexts opened (PKCS#11 sessions); never throws. */
  async close(): Promise<void> {
    await closeOpenTokens();
  }

  /**
   * The context of a command that opens a store or an image: the registry
   * options and credential sources (flags, docker config, credential helpers)
   * are always filled in, so no such command can forget them.
   */
  async storeContext(options: CommonOptions & RegistryCommandOptions = {}): Promise<SignetContext> {
    const ctx = this.context(options);
    ctx.registry = await registryOptionsFrom(this.io, options);
    return ctx;
  }

  /** Print a result: JSON (stable, for machines) or lines for people. */
  print(options: { json?: boolean }, value: unknown, human: () => string[]): void {
    if (options.json) this.io.out(JSON.stringify(value, null, 2) + '\n');
    else for (const line of human()) this.io.out(`${line}\n`);
  }
}
