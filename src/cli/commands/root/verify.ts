// `signet root verify FILE`: who signed, each threshold met or not, fingerprints.

import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CliRuntime, CommonOptions } from '../../runtime.js';
import { examples, withOutputOptions } from '../../options.js';

interface VerifyOptions extends CommonOptions {
  previous?: string;
}

export function registerRootVerify(root: Command, cli: CliRuntime): void {
  const command = root
    .command('verify')
    .description('show a root\'s keys with read-aloud fingerprints, who signed it, and whether its thresholds are met; exit 1 when not')
    .argument('<file>', 'the root file')
    .option('--previous <file>', 'for a rotation: the root it replaces (its threshold must be met too, TUF 5.3.4)');
  withOutputOptions(command);
  examples(command, ['signet root verify root.json', 'signet root verify root-v2.json --previous root-v1.json --json']);
  command.action(async (file: string, options: VerifyOptions) => {
    const { readRootFile } = await import('../../../ceremony/root-file.js');
    const { describeRoot } = await import('../../../ceremony/root-report.js');
    const { reportLines } = await import('./root-output.js');
    const { EXIT } = await import('../../../errors.js');
    const ctx = cli.context(options);
    const rootDoc = await readRootFile(resolve(ctx.cwd, file));
    const previous = options.previous ? await readRootFile(resolve(ctx.cwd, options.previous)) : undefined;
    const report = describeRoot(rootDoc, ctx.now, previous);
    cli.print(options, report, () => reportLines(report));
    if (!report.ok) cli.exitCode = EXIT.invalid;
  });
}
