// `signet tuf …`: signet as a plain command-line TUF client for any TUF 1.x
// repository. These commands exit 0 on success and 1 on ANY failure (usage
// errors and unreachable servers included), unlike the rest of signet's 0/1/2/3
// scheme: issue 9 asks for it, matching what scripts expect of a TUF client.

import type { Command } from 'commander';
import type { CliRuntime } from '../../runtime.js';
import { SignetError } from '../../../errors.js';
import { TUF_EXIT_HELP } from './tuf-action.js';
import { registerTufInit } from './init.js';
import { registerTufRefresh } from './refresh.js';
import { registerTufDownload } from './download.js';

export function registerTuf(program: Command, cli: CliRuntime): void {
  const tuf = program
    .command('tuf')
    .description('a general TUF client: trust, refresh and download from any TUF 1.x repository (HTTP(S) or a directory)');
  tuf.addHelpText('after', TUF_EXIT_HELP);
  registerTufInit(tuf, cli);
  registerTufRefresh(tuf, cli);
  registerTufDownload(tuf, cli);
  for (const command of tuf.commands) exitOneOnUsageErrors(command);
}

/** Commander's own usage errors (missing option, unknown flag) exit 1 here too; help still exits 0. */
function exitOneOnUsageErrors(command: Command): void {
  command.exitOverride((error) => {
    if (error.exitCode === 0) throw error;
    throw new SignetError('invalid', 'tuf-usage', `${error.message.replace(/^error: /, '')} (see \`signet tuf ${command.name()} --help\`)`);
  });
  command.showHelpAfterError(false).configureOutput({ outputError: () => undefined });
}
