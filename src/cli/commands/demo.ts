// `signet demo`: the whole flow, narrated, in a temporary directory.

import type { Command } from 'commander';
import type { CliRuntime } from '../runtime.js';
import { examples } from '../options.js';
import { resolve } from 'node:path';
import { EXIT } from '../../errors.js';

export function registerDemo(program: Command, cli: CliRuntime): void {
  const command = program
    .command('demo')
    .description('build an OCI layout, create a trust repository, sign, verify, tamper, revoke, and show the refusals')
    .option('--dir <dir>', 'work in this (empty) directory instead of a new temporary one');
  examples(command, ['signet demo', 'signet demo --dir ./signet-demo    # keep the files: ./signet-demo/images/app is a sample OCI layout']);
  command.action(async (options: { dir?: string }) => {
    const { runDemo } = await import('../../workflows/demo.js');
    const demoOptions: Parameters<typeof runDemo>[0] = { say: (line) => cli.io.out(`${line}\n`) };
    if (options.dir) demoOptions.dir = resolve(cli.io.cwd, options.dir);
    const result = await runDemo(demoOptions);
    cli.exitCode = result.ok ? EXIT.ok : EXIT.invalid;
  });
}
