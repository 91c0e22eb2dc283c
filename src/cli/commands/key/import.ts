// `signet key import FILE|URI`: a signet key file, a PKCS#8 PEM ed25519 or
// P-256 key, or a key already on a PKCS#11 token named by its RFC 7512 URI.

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
    .description('add a private key to the keystore: a signet key file (keeps its passphrase), an unencrypted PKCS#8 PEM ed25519 or P-256 key (encrypted under a new passphrase), or a P-256 key on a PKCS#11 token by URI (recorded; it stays on the token)')
    .argument('<file|uri>', 'the key file, or a pkcs11: URI')
    .option('--role <role>', 'for a PEM or token key: the role it signs for (signet key files carry their own)')
    .option('--repository <label>', 'for a PEM or token key: the trust repository label');
  withPassphraseOptions(withOutputOptions(command));
  examples(command, [
    'signet key import /media/backup/3f2a91c0….key',
    'openssl genpkey -algorithm ed25519 -out t.pem && signet key import t.pem --role targets && shred -u t.pem',
    "SIGNET_PKCS11_PIN=… signet key import 'pkcs11:token=ci;object=release?module-path=/usr/lib/softhsm/libsofthsm2.so' --role targets",
  ]);
  command.action(async (file: string, options: ImportOptions) => {
    const { Keystore } = await import('../../../keys/keystore.js');
    const { readFileBounded } = await import('../../../store/atomic-file.js');
    const { describeKey } = await import('./key-output.js');
    const { UsageError } = await import('../../../errors.js');
    const { LIMITS } = await import('../../../limits.js');
    const ctx = cli.context(options);
    const labels: { role?: string; repository?: string } = {};
    if (options.role) labels.role = options.role;
    if (options.repository) labels.repository = options.repository;
    if (file.startsWith('pkcs11:')) {
      const info = await new Keystore(ctx.home).importTokenKey(file, labels, ctx.passphrases, ctx.now);
      const shown = describeKey(info);
      cli.print(options, shown, () => [`Recorded ${info.role} key ${info.keyId} on a PKCS#11 token`, `  fingerprint ${shown.fingerprint}`, `  on token    ${info.pkcs11}`, `  record      ${info.path}`]);
      return;
    }
    const path = resolve(ctx.cwd, file);
    const bytes = await readFileBounded(path, LIMITS.configFileBytes, { refuseSymlink: true });
    if (bytes === undefined) throw new UsageError('no-such-file', `${path} does not exist`);
    const info = await new Keystore(ctx.home).import(bytes, labels, ctx.passphrases, ctx.now);
    const shown = describeKey(info);
    cli.print(options, shown, () => [`Imported ${info.role} key ${info.keyId}`, `  fingerprint ${shown.fingerprint}`, `  stored in   ${info.path}`]);
  });
}
