// Every command, registered in the order `signet --help` lists them.

import type { Command } from 'commander';
import type { CliRuntime } from '../runtime.js';
import { registerInit } from './init.js';
import { registerSign } from './sign.js';
import { registerVerify } from './verify.js';
import { registerList } from './list.js';
import { registerDemo } from './demo.js';
import { registerBins } from './bins.js';
import { registerPull } from './pull.js';

export const COMMANDS: Array<(program: Command, cli: CliRuntime) => void> = [
  registerInit,
  registerSign,
  registerVerify,
  registerList,
  registerPull,
  registerDemo,
  registerBins,
];
