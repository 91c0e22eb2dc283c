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

export const COMMANDS: Array<(program: Command, cli: CliRuntime) => void> = [
  registerInit,
  registerSign,
  registerVerify,
  registerList,
  registerPull,
  registerCopy,
  registerRevoke,
  registerBundle,
  registerDelegation,
  registerTimestamp,
  registerRepair,
  registerStatus,
  registerTrust,
  registerDemo,
  registerBins,
  registerKey,
  registerRoot,
  // Adds `key rotate|revoke` to the `key` group registerKey creates: keep it after registerKey.
  registerKeyRotation,
  registerMigrate,
  registerTuf,
  registerAdmission,
  registerCompletion,
];
