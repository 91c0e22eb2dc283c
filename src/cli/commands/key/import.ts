// `signet key import FILE`: a signet key file, or a PKCS#8 PEM ed25519 key.

import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CliRuntime, CommonOptions } from '../../runtime.js';
import { examples, withOutputOptions, withPassphraseOptions } from '../../options.js';

interface ImportOptions extends CommonOptions {
  role?: string;
  repository?: string;
}

export function registerKeyImport(key: Command, cli: CliRuntime): void {
  const command = key
    .command('import')
    .description('add a private key to the keystore: a signet key file (keeps its passphrase) or an unencrypted PKCS#8 PEM ed25519 key (encrypted under a new passphrase)')
    .argument('<file>', 'the key file')
    .option('--role <role>', 'for a PEM key: the role it signs for (signet key files carry their own)')
    .option('--repository <label>', 'for a PEM key: the trust repository label');
  withPassphraseOptions(withOutputOptions(command));
  examples(command, [
    'signet key import /media/backup/3f2a91c0….key',
    'openssl genpkey -algorithm ed25519 -out t.pem && signet key import t.pem --role targets && shred -u t.pem',
  ]);
  command.action(async (file: string, options: ImportOptions) => {
    const { Keystore } = await import('../../../keys/keystore.js');
    const { readFileBounded } = await import('../../../store/atomic-file.js');
    const { describeKey } = await import('./key-output.js');
    const { UsageError } = await import('../../../errors.js');
    const { LIMITS } = await import('../../../limits.js');
    const ctx = cli.context(options);
    const path = resolve(ctx.cwd, file);
    const bytes = await readFileBounded(path, LIMITS.configFileBytes, { refuseSymlink: true });
    if (bytes === undefined) throw new UsageError('no-such-file', `${path} does not exist`);
    const labels: { role?: string; repository?: string } = {};
    if (options.role) labels.role = options.role;
    if (options.repository) labels.repository = options.repository;
    const info = await new Keystore(ctx.home).import(bytes, labels, ctx.passphrases, ctx.now);
    const shown = describeKey(info);
    cli.print(options, shown, () => [`Imported ${info.role} key ${info.keyId}`, `  fingerprint ${shown.fingerprint}`, `  stored in   ${info.path}`]);
  });
}
