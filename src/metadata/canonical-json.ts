// OLPC canonical JSON, the byte form TUF signs (as securesystemslib and
// @tufjs/canonical-json produce it): sorted keys, no whitespace, integers only,
// only `\` and `"` escaped inside strings.

import { UsageError } from '../errors.js';

/** Canonical JSON text of `value`. Throws on floats, undefined and other non-JSON values. */
export function canonicalize(value: unknown): string {
  const out: string[] = [];
  write(value, out);
  return out.join('');
}

/** Canonical JSON as UTF-8 bytes: what signatures are computed over. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value), 'utf8');
}

function write(value: unknown, out: string[]): void {
  if (value === null) {
    out.push('null');
  } else if (typeof value === 'string') {
    out.push(quote(value));
  } else if (typeof value === 'boolean') {
    out.push(value ? 'true' : 'false');
  } else if (typeof value === 'number') {
    if (!Number.isInteger(value)) {
      throw new UsageError('canonical-json', `canonical JSON has no floats: ${value}`);
    }
    out.push(String(value));
  } else if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      write(value[i], out);
    }
    out.push(']');
  } else if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    out.push('{');
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (i > 0) out.push(',');
      out.push(quote(key), ':');
      write(record[key], out);
    }
    out.push('}');
  } else {
    throw new UsageError('canonical-json', `canonical JSON cannot encode a ${typeof value}`);
  }
}

function quote(text: string): string {
  return '"' + text.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}
