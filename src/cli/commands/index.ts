// Every command, registered in the order `signet --help` lists them.

import type { Command } from 'commander';
import type { CliRuntime } from '../runtime.js';
import { registerInit } from './init.js';
import { registerSign } from './sign.js';
import { registerVerify } from './verify.js';
import { registerList } from './list.js';
import { registerDemo } from './demo.js';
import { registerBins } from './bins.js';
import { registerMigrate } from './migrate.js';
import { registerPull } from './pull.js';
import { registerCopy } from './copy.js';
import { registerKey } from './key/index.js';
import { registerRoot } from './root/index.js';
import { registerRevoke } from './revoke.js';
import { registerDelegation } from './delegation.js';
import { registerKeyRotation } from './key-rotate.js';
import { registerTimestamp } from './timestamp.js';
import { registerRepair } from './repair.js';
import { registerStatus } from './status.js';
import { registerTuf } from './tuf/index.js';
import { registerBundle } from './bundle.js';
import { registerTrust } from './trust.js';
import { registerAdmission } from './admission/index.js';
import { registerCompletion } from './completion.js';

type Register = (program: Command, cli: CliRuntime) => void;

/** Each top-level command's name and the function that registers it (one name may have several). */
export const COMMANDS: ReadonlyArray<readonly [name: string, register: Register]> = [
  ['init', registerInit],
  ['sign', registerSign],
  ['verify', registerVerify],
  ['list', registerList],
  ['pull', registerPull],
  ['copy', registerCopy],
  ['revoke', registerRevoke],
  ['bundle', registerBundle],
  ['delegation', registerDelegation],
  ['timestamp', registerTimestamp],
  ['repair', registerRepair],
  ['status', registerStatus],
  ['trust', registerTrust],
  ['demo', registerDemo],
  ['bins', registerBins],
  ['key', registerKey],
  ['root', registerRoot],
  // Adds `key rotate|revoke` to the `key` group registerKey creates: keep it after registerKey.
  ['key', registerKeyRotation],
  ['migrate', registerMigrate],
  ['tuf', registerTuf],
  ['admission', registerAdmission],
  ['completion', registerCompletion],
];

/**
 * The registrations a run needs: only the named command's when `argv` names
 * one (building every command and its help is most of the CLI's start-up
 * work), every command otherwise (`signet --help`, `help X`, a typo that
 * commander suggests a fix for, `completion`, which walks the whole tree).
 */
export function commandsFor(argv: readonly string[]): Register[] {
  const name = commandName(argv);
  const wanted = COMMANDS.filter(([n]) => n === name && n !== 'completion');
  return (wanted.length > 0 ? wanted : COMMANDS).map(([, register]) => register);
}

/** The first operand of `argv`, skipping the global `--home <dir>`. */
function commandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--home') i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}
