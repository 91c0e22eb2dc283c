// Reading target names back: `<name>:<tag>` and `<name>@sha256:<hex>` (written
// by image-reference.ts; names never carry the registry host, so they never
// contain ':' before the tag separator), and the platform manifests an index
// target lists in its `custom`.

import type { TargetFileJSON } from '../metadata/types.js';
import { isRecord } from '../metadata/types.js';

export interface ParsedTargetName {
  name: string;
  tag?: string;
  /** `sha256:<hex>` */
  digest?: string;
}

/** Split a target name into image name and tag or digest; undefined for names signet did not write. */
export function parseTargetName(target: string): ParsedTargetName | undefined {
  const at = target.indexOf('@');
  if (at > 0) return { name: target.slice(0, at), digest: target.slice(at + 1) };
  const colon = target.lastIndexOf(':');
  if (colon > 0) return { name: target.slice(0, colon), tag: target.slice(colon + 1) };
  return undefined;
}

const DIGEST_IN_TEXT = /^sha256:[0-9a-f]{64}$/;

/**
 * Digests of the platform manifests an index target lists in its `custom`
 * (any `sha256:<hex>` string found there, a few levels deep, bounded).
 */
export function childDigestsOf(file: Pick<TargetFileJSON, 'custom'>, limit = 1024): string[] {
  const found = new Set<string>();
  const walk = (value: unknown, depth: number): void => {
    if (found.size >= limit || depth > 4) return;
    if (typeof value === 'string') {
      if (DIGEST_IN_TEXT.test(value)) found.add(value);
    } else if (Array.isArray(value)) {
      for (const item of value.slice(0, limit)) walk(item, depth + 1);
    } else if (isRecord(value)) {
      for (const item of Object.values(value).slice(0, limit)) walk(item, depth + 1);
    }
  };
  walk(file.custom, 0);
  return [...found];
}
