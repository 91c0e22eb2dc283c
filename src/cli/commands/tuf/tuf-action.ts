// What every `signet tuf` command shares: its exit-code rule (0 success, 1 any
// failure) and the help text that documents it.

import type { CliRuntime } from '../../runtime.js';
import { SignetError } from '../../../errors.js';

export const TUF_EXIT = { ok: 0, failed: 1 } as const;

export const TUF_EXIT_HELP =
  '\nExit codes: 0 success; 1 any failure (invalid or expired metadata, tampered target, rollback, unreachable server, bad usage).\n' +
  'This differs on purpose from the rest of signet (1 invalid, 2 usage, 3 inconclusive): a TUF client either succeeded or did not.\n';

/** Run a tuf command's body; any error is printed on stderr and becomes exit 1. */
export async function runTufAction(cli: CliRuntime, body: () => Promise<void>): Promise<void> {
  try {
    await body();
    cli.exitCode = TUF_EXIT.ok;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    cli.io.err(`error: ${error instanceof SignetError ? message : `unexpected failure: ${message}`}\n`);
    cli.exitCode = TUF_EXIT.failed;
  }
}
