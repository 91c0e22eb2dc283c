// `signet root sign FILE --key KEYFILE|KEYID`: add one detached signature.

import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CliRuntime, CommonOptions } from '../../runtime.js';
import { examples, withOutputOptions, withPassphraseOptions } from '../../options.js';

interface SignOptions extends CommonOptions {
  key: string;
  previous?: string;
  out?: string;
}

export function registerRootSign(root: Command, cli: CliRuntime): void {
  const command = root
    .command('sign')
    .description('add your signature to a root file, keeping the others (run on the offline machine that holds your key)')
    .argument('<file>', 'the root file (signed in place unless --out)')
    .requiredOption('--key <keyfile|keyid>', 'your root key: key id (or 8+ digit prefix), your public key file, or a signet private key file')
    .option('--previous <file>', 'for a rotation: the root being replaced, whose keys sign too')
    .option('-o, --out <file>', 'write the signed root here instead of in place');
  withPassphraseOptions(withOutputOptions(command));
  examples(command, [
    'SIGNET_PASSPHRASE_ROOT=… signet root sign /media/usb/root.json --key 3f2a91c0',
    'signet root sign root-v2.json --key 3f2a91c0 --previous root-v1.json',
  ]);
  command.action(async (file: string, options: SignOptions) => {
    const { Keystore } = await import('../../../keys/keystore.js');
    const { readRootFile, writeRootFile } = await import('../../../ceremony/root-file.js');
    const { signRoot } = await import('../../../ceremony/root-sign.js');
    const { loadCeremonySigner } = await import('../../../ceremony/ceremony-signer.js');
    const { describeRoot } = await import('../../../ceremony/root-report.js');
    const { reportLines } = await import('./root-output.js');
    const { fingerprint } = await import('../../../keys/key-id.js');
    const ctx = cli.context(options);
    const path = resolve(ctx.cwd, file);
    const rootDoc = await readRootFile(path);
    const previous = options.previous ? await readRootFile(resolve(ctx.cwd, options.previous)) : undefined;
    // Show what is about to be signed before the passphrase is asked for.
    cli.io.err(['About to sign:', ...reportLines(describeRoot(rootDoc, ctx.now, previous)).map((l) => `  ${l}`), ''].join('\n'));
    const { signer, info } = await loadCeremonySigner(new Keystore(ctx.home), options.key, ctx.cwd, ctx.passphrases);
    const result = await signRoot(rootDoc, signer, previous);
    const written = await writeRootFile(options.out ? resolve(ctx.cwd, options.out) : path, rootDoc);
    const report = describeRoot(rootDoc, ctx.now, previous);
    cli.print(options, { file: written, signedWith: { keyId: info.keyId, fingerprint: fingerprint(info.keyId) }, replaced: result.replaced, ...report }, () => [
      `Signed ${written} with ${info.role} key ${fingerprint(info.keyId)}${result.replaced ? ' (replacing its earlier signature)' : ''}`,
      ...reportLines(report),
    ]);
  });
}
