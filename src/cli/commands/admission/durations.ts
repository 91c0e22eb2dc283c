// Short durations for the gate's knobs: `500ms`, `2s`, `1m`, `1h`.

import { UsageError } from '../../../errors.js';

const UNIT_MS = new Map([['ms', 1], ['s', 1000], ['m', 60_000], ['h', 3_600_000]]);

export function parseMillis(text: string, option: string, { zero = false } = {}): number {
  if (zero && text.trim() === '0') return 0;
  const match = /^(\d+)(ms|s|m|h)$/.exec(text.trim());
  if (!match || (Number(match[1]) === 0 && !zero)) throw new UsageError('bad-duration', `${option} ${text}: use e.g. 500ms, 2s, 1m${zero ? ', or 0' : ''}`);
  return Number(match[1]) * UNIT_MS.get(match[2]!)!;
}
