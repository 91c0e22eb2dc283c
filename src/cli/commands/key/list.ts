// `signet key list`: the keys in the keystore, with ids, fingerprints and labels.

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../../runtime.js';
import { examples, withOutputOptions } from '../../options.js';

/** The token part of a key's URI, for one line of `key list`. */
function tokenOf(uri: string): string {
  return uri.split('?')[0]!.replace(/^pkcs11:/, '');
}

export function registerKeyList(key: Command, cli: CliRuntime): void {
  const command = key.command('list').description('list the keys in the keystore (no passphrase needed)');
  withOutputOptions(command);
  examples(command, ['signet key list', 'signet key list --json']);
  command.action(async (options: CommonOptions) => {
    const { Keystore } = await import('../../../keys/keystore.js');
    const { describeKey } = await import('./key-output.js');
    const ctx = cli.context(options);
    const keys = (await new Keystore(ctx.home).list()).map(describeKey);
    cli.print(options, { keys }, () =>
      keys.length === 0
        ? ['No keys. Create one with `signet key generate --role ROLE`.']
        : keys.map((k) => `${k.keyId}\t${k.role}\t${k.repository || '-'}\t${k.algorithm}\t${k.pkcs11 ? `token ${tokenOf(k.pkcs11)}` : 'file'}\t${k.created}`),
    );
  });
}
