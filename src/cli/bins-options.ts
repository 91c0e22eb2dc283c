// The `--bins N` / `--bit-length B` option pair, shared by `signet init` and
// `signet bins migrate`.

import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { DEFAULT_BIN_BIT_LENGTH, bitLengthForBinCount, checkBitLength, type BinsOptions } from '../trust/bins-layout.js';

export interface BinsCommandOptions {
  bins?: string | boolean;
  bitLength?: string;
}

export function withBinsOptions(command: Command, optional = false): Command {
  const what = optional ? '--bins [count]' : '--bins <count>';
  return command
    .option(what, `number of hashed bins, a power of two (default ${2 ** DEFAULT_BIN_BIT_LENGTH}: a cold lookup of one tag downloads ~100 KB at 100,000 tags)`)
    .option('--bit-length <bits>', `the same as a TAP 15 bit length: 2^bits bins (default ${DEFAULT_BIN_BIT_LENGTH})`);
}

/** True when the user asked for bins at all (for `init`, where they are optional). */
export function wantsBins(options: BinsCommandOptions): boolean {
  return options.bins !== undefined || options.bitLength !== undefined;
}

export function binsLayoutOptions(options: BinsCommandOptions): BinsOptions {
  if (options.bins !== undefined && options.bitLength !== undefined) {
    throw new UsageError('bad-bins', 'give either --bins or --bit-length, not both');
  }
  if (typeof options.bins === 'string') {
    const count = Number(options.bins);
    if (!/^\d+$/.test(options.bins)) throw new UsageError('bad-bin-count', `--bins ${options.bins}: give a power of two such as 256 or 1024`);
    return { bitLength: bitLengthForBinCount(count) };
  }
  if (options.bitLength !== undefined) {
    if (!/^\d+$/.test(options.bitLength)) throw new UsageError('bad-bit-length', `--bit-length ${options.bitLength}: give a whole number`);
    return { bitLength: checkBitLength(Number(options.bitLength)) };
  }
  return {};
}
