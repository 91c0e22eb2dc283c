// Who the deploy gate applies to, and how: per namespace and per image,
// `enforce` (deny what does not verify), `audit` (admit, with Kubernetes
// warnings) or `exempt` (not checked); and what a failure to check
// (registry or store down, time budget spent) does: `deny` or `audit`.
// The file is YAML or JSON:
//   rules:
//     - {namespace: kube-system, mode: exempt}
//     - {namespace: "staging-*", mode: audit}
//     - {image: "127.0.0.1:5000/tools/**", onError: audit}
// First match wins; with no match: enforce, deny on error.

import { parse } from 'yaml';
import { readFileBounded } from '../store/atomic-file.js';
import { scopeMatches } from '../policy/trust-policy.js';
import { isRecord } from '../metadata/types.js';
import { UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';

export type GateMode = 'enforce' | 'audit' | 'exempt';
export type OnError = 'deny' | 'audit';

export interface GateRule {
  /** Glob over the namespace (`*` any run of characters but `/`). Absent: any. */
  namespace?: string;
  /** Glob over the image as written (`**` across `/`), e.g. `registry:5000/team/*`. Absent: any. */
  image?: string;
  mode: GateMode;
  onError: OnError;
}

export interface GateRules {
  rules: GateRule[];
}

export const DEFAULT_RULE: GateRule = { mode: 'enforce', onError: 'deny' };

export function parseRules(text: string, where: string): GateRules {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch (cause) {
    throw new UsageError('bad-admission-config', `${where} is not valid YAML or JSON`, { cause });
  }
  if (doc === null || doc === undefined) return { rules: [] };
  if (!isRecord(doc) || (doc['rules'] !== undefined && !Array.isArray(doc['rules']))) {
    throw new UsageError('bad-admission-config', `${where}: expected {rules: [{namespace?, image?, mode?, onError?}, …]}`);
  }
  const rules = ((doc['rules'] as unknown[] | undefined) ?? []).map((entry, i) => {
    if (!isRecord(entry)) throw new UsageError('bad-admission-config', `${where}: rules[${i}] is not a mapping`);
    const mode = entry['mode'] ?? 'enforce';
    const onError = entry['onError'] ?? 'deny';
    if (mode !== 'enforce' && mode !== 'audit' && mode !== 'exempt') throw new UsageError('bad-admission-config', `${where}: rules[${i}].mode must be enforce, audit or exempt`);
    if (onError !== 'deny' && onError !== 'audit') throw new UsageError('bad-admission-config', `${where}: rules[${i}].onError must be deny or audit`);
    const rule: GateRule = { mode, onError };
    for (const key of ['namespace', 'image'] as const) {
      const value = entry[key];
      if (value === undefined) continue;
      if (typeof value !== 'string' || value === '') throw new UsageError('bad-admission-config', `${where}: rules[${i}].${key} must be a non-empty glob`);
      rule[key] = value;
    }
    return rule;
  });
  return { rules };
}

export async function readRules(path: string): Promise<GateRules> {
  const bytes = await readFileBounded(path, LIMITS.configFileBytes, { refuseSymlink: false });
  if (bytes === undefined) throw new UsageError('bad-admission-config', `${path} does not exist`);
  return parseRules(bytes.toString('utf8'), path);
}

/** The first rule matching the namespace and the image (as written in the pod spec). */
export function ruleFor(rules: GateRules, namespace: string, image: string): GateRule {
  return rules.rules.find((r) => (r.namespace === undefined || scopeMatches(r.namespace, namespace)) && (r.image === undefined || scopeMatches(r.image, image))) ?? DEFAULT_RULE;
}
