// How TUF file names become OCI tags in a registry trust store. Tags allow
// only [A-Za-z0-9_][A-Za-z0-9._-]{0,127}, so every byte outside [A-Za-z0-9.-]
// (including `_` itself and the `%` of percent-encoded role names) is written
// as `_xx` (two lowercase hex digits of the UTF-8 byte), behind a fixed prefix
// that keeps trust tags apart from image tags in a shared repository:
//   timestamp.json → signet.timestamp.json    3.root.json → signet.3.root.json
//   2.team%2Fapp.json → signet.2.team_252fapp.json    1.bins_0a.json → signet.1.bins_5f0a.json
// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests (tag grammar)

import { UsageError } from '../errors.js';

export const TRUST_TAG_PREFIX = 'signet.';
/** The publish lease (see registry-lease.ts); never a valid encoded file name (those end in .json). */
export const LEASE_TAG = 'signet.lease';

const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const KEPT = /[A-Za-z0-9.-]/;

/** The tag for a TUF file name. Throws a UsageError when the result exceeds 128 characters. */
export function tagForName(name: string): string {
  let out = TRUST_TAG_PREFIX;
  for (const char of name) {
    if (KEPT.test(char)) {
      out += char;
      continue;
    }
    for (const byte of Buffer.from(char, 'utf8')) out += `_${byte.toString(16).padStart(2, '0')}`;
  }
  if (!TAG.test(out)) {
    throw new UsageError('name-too-long', `the metadata file ${JSON.stringify(name)} encodes to a ${out.length}-character tag; registries allow 128: use a shorter role name`);
  }
  return out;
}

/** The TUF file name a trust tag stands for, or undefined for any other tag. */
export function nameForTag(tag: string): string | undefined {
  if (!tag.startsWith(TRUST_TAG_PREFIX) || tag === LEASE_TAG || !TAG.test(tag)) return undefined;
  const body = tag.slice(TRUST_TAG_PREFIX.length);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (char !== '_') {
      bytes.push(char.charCodeAt(0));
      continue;
    }
    const hex = body.slice(i + 1, i + 3);
    if (!/^[0-9a-f]{2}$/.test(hex)) return undefined;
    bytes.push(parseInt(hex, 16));
    i += 2;
  }
  const name = Buffer.from(bytes).toString('utf8');
  return tagForNameOrUndefined(name) === tag ? name : undefined;
}

function tagForNameOrUndefined(name: string): string | undefined {
  try {
    return tagForName(name);
  } catch {
    return undefined;
  }
}
