// `signet key remove KEYID --yes`: delete a key file from the keystore.

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../../runtime.js';
import { examples, withOutputOptions } from '../../options.js';

interface RemoveOptions extends CommonOptions {
  yes?: boolean;
}

export function registerKeyRemove(key: Command, cli: CliRuntime): void {
  const command = key
    .command('remove')
    .description('delete a private key from the keystore (it cannot be recovered without a backup)')
    .argument('<key-id>', 'key id, a unique prefix of at least 8 hex digits, or its public key file')
    .option('--yes', 'confirm the deletion');
  withOutputOptions(command);
  examples(command, ['signet key export 3f2a91c0 --private -o backup.key && signet key remove 3f2a91c0 --yes']);
  command.action(async (keyArg: string, options: RemoveOptions) => {
    const { Keystore } = await import('../../../keys/keystore.js');
    const { resolveKeystoreKeyId } = await import('../../../ceremony/ceremony-signer.js');
    const { describeKey } = await import('./key-output.js');
    const { UsageError } = await import('../../../errors.js');
    const ctx = cli.context(options);
    const keystore = new Keystore(ctx.home);
    const keyId = await resolveKeystoreKeyId(keystore, keyArg, ctx.cwd);
    const info = await keystore.info(keyId);
    if (!options.yes) {
      throw new UsageError('confirm-removal', `removing ${info.role} key ${keyId} cannot be undone; back it up with \`signet key export ${keyId.slice(0, 12)} --private -o FILE\`, then pass --yes`);
    }
    await keystore.remove(keyId);
    cli.print(options, { removed: describeKey(info) }, () => [`Removed ${info.role} key ${keyId}`]);
  });
}
