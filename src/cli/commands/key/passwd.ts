// `signet key passwd KEYID`: re-encrypt a key under a new passphrase, atomically.

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../../runtime.js';
import { examples, withOutputOptions, withPassphraseOptions } from '../../options.js';

interface PasswdOptions extends CommonOptions {
  newPassphraseFile?: string;
}

export function registerKeyPasswd(key: Command, cli: CliRuntime): void {
  const command = key
    .command('passwd')
    .description('change the passphrase of a key; a wrong current passphrase changes nothing')
    .argument('<key-id>', 'key id, a unique prefix of at least 8 hex digits, or its public key file')
    .option('--new-passphrase-file <file>', 'read the new passphrase from this file');
  withPassphraseOptions(withOutputOptions(command));
  command.addHelpText('after', 'New passphrase: --new-passphrase-file, $SIGNET_NEW_PASSPHRASE_<ROLE>, $SIGNET_NEW_PASSPHRASE, line 2 of --passphrase-stdin, or a prompt asked twice.');
  examples(command, [
    'signet key passwd 3f2a91c0                        # prompts for the current and the new passphrase',
    'printf "%s\\n%s\\n" "$OLD" "$NEW" | signet key passwd 3f2a91c0 --passphrase-stdin',
  ]);
  command.action(async (keyArg: string, options: PasswdOptions) => {
    const { Keystore } = await import('../../../keys/keystore.js');
    const { resolveKeystoreKeyId } = await import('../../../ceremony/ceremony-signer.js');
    const { describeKey } = await import('./key-output.js');
    const ctx = cli.context({ ...options, separateNewPassphrase: true });
    const keystore = new Keystore(ctx.home);
    const info = await keystore.passwd(await resolveKeystoreKeyId(keystore, keyArg, ctx.cwd), ctx.passphrases);
    cli.print(options, describeKey(info), () => [`Changed the passphrase of ${info.role} key ${info.keyId}`]);
  });
}
