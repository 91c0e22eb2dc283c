// `signet key generate`: a new ed25519 key, encrypted under a new passphrase.

import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CliRuntime, CommonOptions } from '../../runtime.js';
import { examples, withOutputOptions, withPassphraseOptions } from '../../options.js';

interface GenerateOptions extends CommonOptions {
  role: string;
  repository?: string;
  publicOut?: string;
}

export function registerKeyGenerate(key: Command, cli: CliRuntime): void {
  const command = key
    .command('generate')
    .description('create an ed25519 key in the keystore; prints its key id and fingerprint')
    .requiredOption('--role <role>', 'what the key signs for: root, targets, snapshot, timestamp or a delegation name (a label; it picks SIGNET_PASSPHRASE_<ROLE>)')
    .option('--repository <label>', 'which trust repository or organisation the key belongs to (a label)', '')
    .option('--public-out <file>', 'also write the public key file (for `signet root create`)');
  withPassphraseOptions(withOutputOptions(command));
  examples(command, [
    'signet key generate --role root --repository acme --public-out root-alice.pub.json',
    'SIGNET_PASSPHRASE_TARGETS=… signet key generate --role targets --json',
  ]);
  command.action(async (options: GenerateOptions) => {
    const { Keystore } = await import('../../../keys/keystore.js');
    const { describeKey, writePublicKeyFile } = await import('./key-output.js');
    const ctx = cli.context(options);
    const keystore = new Keystore(ctx.home);
    const info = await keystore.generate(options.role, options.repository ?? '', ctx.passphrases, ctx.now);
    const publicOut = options.publicOut ? resolve(ctx.cwd, options.publicOut) : undefined;
    if (publicOut) await writePublicKeyFile(publicOut, await keystore.exportPublic(info.keyId), 'signet');
    cli.print(options, { ...describeKey(info), ...(publicOut ? { publicKeyFile: publicOut } : {}) }, () => [
      `Generated ${info.role} key ${info.keyId}`,
      `  fingerprint ${describeKey(info).fingerprint}`,
      `  stored in   ${info.path}`,
      ...(publicOut ? [`  public key  ${publicOut}`] : []),
    ]);
  });
}
