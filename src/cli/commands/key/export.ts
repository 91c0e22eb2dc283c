// `signet key export KEYID`: the public key (default), or with --private the
// key file as stored, still encrypted under its passphrase (for backups).

import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CliRuntime, CommonOptions } from '../../runtime.js';
import { examples } from '../../options.js';

interface ExportOptions extends CommonOptions {
  out?: string;
  format?: string;
  private?: boolean;
}

export function registerKeyExport(key: Command, cli: CliRuntime): void {
  const command = key
    .command('export')
    .description('print or write a public key file; --private exports the encrypted key file for a backup')
    .argument('<key-id>', 'key id, a unique prefix of at least 8 hex digits, or its public key file')
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .option('--format <format>', 'public key format: signet (id + labels + TUF key), tuf (bare TUF key object), pem (SPKI)', 'signet')
    .option('--private', 'export the private key file instead; it stays encrypted under its passphrase');
  examples(command, [
    'signet key export 3f2a91c0 -o root-alice.pub.json',
    'signet key export 3f2a91c0 --format pem',
    'signet key export 3f2a91c0 --private -o /media/backup/root-alice.key',
  ]);
  command.action(async (keyArg: string, options: ExportOptions) => {
    const { Keystore } = await import('../../../keys/keystore.js');
    const { resolveKeystoreKeyId } = await import('../../../ceremony/ceremony-signer.js');
    const { writeFileAtomic } = await import('../../../store/atomic-file.js');
    const { parsePublicFormat, publicKeyText } = await import('./key-output.js');
    const ctx = cli.context(options);
    const keystore = new Keystore(ctx.home);
    const keyId = await resolveKeystoreKeyId(keystore, keyArg, ctx.cwd);
    const text = options.private ? (await keystore.exportEncrypted(keyId)).toString('utf8') : publicKeyText(await keystore.exportPublic(keyId), parsePublicFormat(options.format));
    if (!options.out) {
      cli.io.out(text);
      return;
    }
    const path = resolve(ctx.cwd, options.out);
    await writeFileAtomic(path, text, { mode: options.private ? 0o600 : 0o644 });
    cli.io.err(`Wrote the ${options.private ? 'encrypted private' : 'public'} key ${keyId} to ${path}\n`);
  });
}
