// TAP 15 succinct hashed bins: the bin a target path belongs to is the first
// `bit_length` bits of SHA-256(path); bin names are `<prefix>-<hex>` with the
// hex zero-padded to ceil(bit_length / 4) digits.

import { createHash } from 'node:crypto';
import type { SuccinctRolesJSON } from '../metadata/types.js';

export function binIndexOf(targetPath: string, bitLength: number): number {
  const digest = createHash('sha256').update(targetPath, 'utf8').digest();
  return digest.readUInt32BE(0) >>> (32 - bitLength);
}

export function binName(succinct: Pick<SuccinctRolesJSON, 'bit_length' | 'name_prefix'>, index: number): string {
  const width = Math.ceil(succinct.bit_length / 4);
  return `${succinct.name_prefix}-${index.toString(16).padStart(width, '0')}`;
}

export function binFor(succinct: SuccinctRolesJSON, targetPath: string): string {
  return binName(succinct, binIndexOf(targetPath, succinct.bit_length));
}

/** True when `role` is one of the bins `succinct` defines. */
export function isBinRole(succinct: SuccinctRolesJSON, role: string): boolean {
  const prefix = `${succinct.name_prefix}-`;
  if (!role.startsWith(prefix)) return false;
  const hex = role.slice(prefix.length);
  const width = Math.ceil(succinct.bit_length / 4);
  if (hex.length !== width || !/^[0-9a-f]+$/.test(hex)) return false;
  return parseInt(hex, 16) < 2 ** succinct.bit_length;
}
