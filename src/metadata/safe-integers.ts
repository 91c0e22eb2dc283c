// Numbers in TUF metadata must be integers JavaScript holds exactly
// (|n| ≤ 2^53−1). JSON.parse silently rounds larger ones, so a version of
// 2^53+1 would compare equal to 2^53 and a writer could not continue it:
// such files are refused before anything parses them (issue 12, finding 6).

import { VerificationError } from '../errors.js';

/** Where an unsafe number could start: a value position, then 16+ digits or an exponent. */
const SUSPECT = /[:,[]\s*-?(?:\d{16}|\d+(?:\.\d+)?[eE])/;
/** A JSON string (skipped whole) or a JSON number, scanned left to right. */
const TOKEN = /"[^"\\]*(?:\\.[^"\\]*)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/**
 * The first number in the JSON text `text` whose value is a whole number
 * beyond ±(2^53−1) (`9007199254740993`, `1e300`), or undefined when there is
 * none. Fractions are left alone (no TUF field has one; custom data may).
 * Strings are skipped, so digits inside hashes and names never count.
 */
export function findUnsafeNumber(text: string): string | undefined {
  // Fast path: nothing that could be one (inside a string or not) means none.
  if (!SUSPECT.test(text)) return undefined;
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(text); match !== null; match = TOKEN.exec(text)) {
    const token = match[0];
    if (token.charCodeAt(0) === 34 /* " */) continue;
    // Plain short integers (the overwhelming case) are safe without converting them.
    if (/^-?\d{1,15}$/.test(token)) continue;
    const value = Number(token);
    if (Number.isInteger(value) ? !Number.isSafeInteger(value) : !Number.isFinite(value)) return token;
  }
  return undefined;
}

/** Throws VerificationError('unsafe-integer') naming `what` when `bytes` holds an unsafe number. */
export function requireSafeIntegers(bytes: Uint8Array, what: string): void {
  const found = findUnsafeNumber(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  if (found !== undefined) {
    const shown = found.length > 24 ? `${found.slice(0, 24)}…` : found;
    throw new VerificationError('unsafe-integer', `${what} holds the number ${shown}, outside the integers metadata may use (at most 2^53−1); refused before parsing`);
  }
}
