// `signet key generate`: a new ed25519 or ECDSA P-256 key, encrypted under a
// new passphrase, or a P-256 key pair generated on a PKCS#11 token.

import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CliRuntime, CommonOptions } from '../../runtime.js';
import { examples, withOutputOptions, withPassphraseOptions } from '../../options.js';

interface GenerateOptions extends CommonOptions {
  role: string;
  repository?: string;
  publicOut?: string;
  type?: string;
  pkcs11?: string;
}

export function registerKeyGenerate(key: Command, cli: CliRuntime): void {
  const command = key
    .command('generate')
    .description('create a key (ed25519 by default, or ECDSA P-256) in the keystore or on a PKCS#11 token; prints its key id and fingerprint')
    .requiredOption('--role <role>', 'what the key signs for: root, targets, snapshot, timestamp or a delegation name (a label; it picks SIGNET_PASSPHRASE_<ROLE>)')
    .option('--repository <label>', 'which trust repository or organisation the key belongs to (a label)', '')
    .option('--public-out <file>', 'also write the public key file (for `signet root create`)')
    .option('--type <type>', 'ed25519 (default) or ecdsa (P-256) for a key in a file; token keys are always ecdsa')
    .option('--pkcs11 <uri>', 'generate the key pair on this PKCS#11 token (RFC 7512 URI with token=, object= and ?module-path=); the PIN comes from pin-source=, $SIGNET_PKCS11_PIN or a prompt');
  withPassphraseOptions(withOutputOptions(command));
  examples(command, [
    'signet key generate --role root --repository acme --public-out root-alice.pub.json',
    'SIGNET_PASSPHRASE_TARGETS=… signet key generate --role targets --json',
    'signet key generate --role snapshot --type ecdsa',
    "SIGNET_PKCS11_PIN=… signet key generate --role root --pkcs11 'pkcs11:token=root-a;object=root?module-path=/usr/lib/softhsm/libsofthsm2.so' --public-out root-a.pub.json",
  ]);
  command.action(async (options: GenerateOptions) => {
    const { Keystore } = await import('../../../keys/keystore.js');
    const { describeKey, writePublicKeyFile } = await import('./key-output.js');
    const ctx = cli.context(options);
    const keystore = new Keystore(ctx.home);
    const { parseKeyAlgorithm } = await import('../../../keys/key-schemes.js');
    const { UsageError } = await import('../../../errors.js');
    if (options.pkcs11 && options.type && parseKeyAlgorithm(options.type) !== 'ecdsa-p256') {
      throw new UsageError('bad-option', 'keys on PKCS#11 tokens are ECDSA P-256: drop --type or use --type ecdsa');
    }
    const info = options.pkcs11
      ? await keystore.generateOnToken(options.pkcs11, options.role, options.repository ?? '', ctx.passphrases, ctx.now)
      : await keystore.generate(options.role, options.repository ?? '', ctx.passphrases, ctx.now, options.type ? parseKeyAlgorithm(options.type) : 'ed25519');
    const publicOut = options.publicOut ? resolve(ctx.cwd, options.publicOut) : undefined;
    if (publicOut) await writePublicKeyFile(publicOut, await keystore.exportPublic(info.keyId), 'signet');
    cli.print(options, { ...describeKey(info), ...(publicOut ? { publicKeyFile: publicOut } : {}) }, () => [
      `Generated ${info.role} key ${info.keyId}`,
      `  fingerprint ${describeKey(info).fingerprint}`,
      `  type        ${info.algorithm}`,
      info.pkcs11 ? `  on token    ${info.pkcs11}` : `  stored in   ${info.path}`,
      ...(publicOut ? [`  public key  ${publicOut}`] : []),
    ]);
  });
}
