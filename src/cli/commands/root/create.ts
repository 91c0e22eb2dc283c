// `signet root create`: an unsigned root from public key files.

import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CliRuntime, CommonOptions } from '../../runtime.js';
import { examples, withOutputOptions } from '../../options.js';

interface CreateOptions extends CommonOptions {
  key?: string[];
  threshold?: string[];
  expires?: string[];
  out: string;
  startVersion?: string;
}

export function registerRootCreate(root: Command, cli: CliRuntime): void {
  const command = root
    .command('create')
    .description('write an unsigned root from public key files, thresholds and expiries; then each holder runs `signet root sign`')
    .requiredOption('--key <role=file...>', 'a public key for a role: a public key file (signet, TUF or PEM) or a key id in this keystore (repeat; root, targets, snapshot, timestamp each need one)')
    .option('--threshold <role=n...>', 'signatures each role needs (default 1)')
    .option('--expires <role=duration...>', 'how long each role stays valid when signed (defaults: root=1y targets=90d snapshot=4d timestamp=1d; each between 1m and 10y)')
    .option('--start-version <n>', 'root version to start at', '1')
    .requiredOption('-o, --out <file>', 'where to write the unsigned root');
  withOutputOptions(command);
  examples(command, [
    'signet root create -o root.json --key root=alice.pub.json --key root=bob.pub.json --key root=carol.pub.json --threshold root=2 \\',
    '    --key targets=targets.pub.json --key snapshot=snapshot.pub.json --key timestamp=timestamp.pub.json --expires root=2y',
  ]);
  command.action(async (options: CreateOptions) => {
    const { createRoot, parseExpiries, parseRoleAssignments, parseThresholds } = await import('../../../ceremony/root-create.js');
    const { writeRootFile } = await import('../../../ceremony/root-file.js');
    const { describeRoot } = await import('../../../ceremony/root-report.js');
    const { reportLines } = await import('./root-output.js');
    const { UsageError } = await import('../../../errors.js');
    const ctx = cli.context(options);
    if (!/^[1-9][0-9]{0,8}$/.test(options.startVersion ?? '1')) throw new UsageError('bad-option', `--start-version ${options.startVersion}: a positive whole number`);
    const { resolvePublicKey } = await import('../../../keys/public-key-input.js');
    const { Keystore } = await import('../../../keys/keystore.js');
    const keystore = new Keystore(ctx.home);
    const keyFiles = parseRoleAssignments(options.key ?? [], '--key');
    const readKey = async (spec: string) => (await resolvePublicKey(spec, keystore, ctx.cwd)).key;
    const createOptions: Parameters<typeof createRoot>[0] = { keyFiles, readKey, thresholds: parseThresholds(options.threshold ?? []), now: ctx.now, version: Number(options.startVersion ?? '1') };
    if (options.expires) createOptions.expirySeconds = parseExpiries(options.expires);
    const rootDoc = await createRoot(createOptions);
    const path = await writeRootFile(resolve(ctx.cwd, options.out), rootDoc);
    const report = describeRoot(rootDoc, ctx.now);
    cli.print(options, { file: path, ...report }, () => [`Wrote unsigned ${path}`, ...reportLines(report), 'Next: each root key holder runs `signet root sign FILE --key KEY` on their offline machine.']);
  });
}
