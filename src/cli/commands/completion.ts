// `signet completion bash|zsh|fish`: print a completion script generated from
// the command tree (see ../completion.ts).

import type { Command } from 'commander';
import type { CliRuntime } from '../runtime.js';
import { examples } from '../options.js';
import { UsageError } from '../../errors.js';

export function registerCompletion(program: Command, cli: CliRuntime): void {
  const command = program
    .command('completion')
    .description('print a shell completion script for bash, zsh or fish')
    .argument('<shell>', 'bash, zsh or fish');
  examples(command, [
    'source <(signet completion bash)                       # this shell; add it to ~/.bashrc to keep it',
    'signet completion zsh > "${fpath[1]}/_signet"           # zsh (then restart the shell)',
    'signet completion fish > ~/.config/fish/completions/signet.fish',
  ]);
  command.action(async (shell: string, _options: unknown, self: Command) => {
    const { SHELLS, completionScript } = await import('../completion.js');
    if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError('bad-shell', `no completion for ${JSON.stringify(shell)}: use ${SHELLS.join(', ')}`);
    cli.io.out(completionScript(shell as (typeof SHELLS)[number], self.parent ?? program));
  });
}
