// What signet remembers about a Notary collection between runs: the highest
// root, timestamp, snapshot, targets and delegation versions it trusted, so a
// server (or a copied trust directory) that rolls any of them back is caught.
// SIGNET_HOME/notary/<id>.json, one file per collection: GUN + pinned anchor.

import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileBounded, writeFileAtomic } from '../store/atomic-file.js';
import { withFileLock } from '../store/file-lock.js';
import { LIMITS } from '../limits.js';
import type { NotaryPreviousVersions } from './notary-trusted-set.js';

/**
 * The state file of the collection `gun` whose root is anchored by `anchor`
 * (the canonical ids of the pinned root keys, see NotaryTrustedSet.anchor).
 * Never keyed by the server URL or trust directory: every source that
 * serves the collection is a mirror of it, so a stale one is caught too.
 * A collection deleted and re-created under a new root key is a new anchor.
 */
export function notaryStatePath(home: string, gun: string, anchor: string): string {
  const id = createHash('sha256').update(gun).update('\n').update(anchor).digest('hex').slice(0, 32);
  return join(home, 'notary', `${id}.json`);
}

/** The file of earlier releases, keyed by the GUN alone (read as a fallback, never written). */
function legacyStatePath(home: string, gun: string): string {
  const id = createHash('sha256').update(gun).digest('hex').slice(0, 32);
  return join(home, 'notary', `${id}.json`);
}

/** Versions trusted before; empty on first use or when the file is unreadable as state. */
export async function readNotaryState(home: string, gun: string, anchor: string): Promise<NotaryPreviousVersions> {
  const current = await readStateFile(notaryStatePath(home, gun, anchor));
  return current ?? (await readStateFile(legacyStatePath(home, gun))) ?? {};
}

async function readStateFile(path: string): Promise<NotaryPreviousVersions | undefined> {
  const bytes = await readFileBounded(path, LIMITS.configFileBytes, { refuseSymlink: true });
  if (bytes === undefined) return undefined;
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
  const state: NotaryPreviousVersions = {};
  for (const field of ['root', 'timestamp', 'snapshot'] as const) {
    if (isVersion(doc[field])) state[field] = doc[field];
  }
  // Role names are untrusted text: kept as [name, version] pairs, read into a Map.
  const roles = new Map<string, number>();
  if (Array.isArray(doc['roles'])) {
    for (const entry of doc['roles'].slice(0, LIMITS.notaryMaxRoles * 4)) {
      if (Array.isArray(entry) && typeof entry[0] === 'string' && isVersion(entry[1])) roles.set(entry[0], entry[1]);
    }
  }
  if (roles.size > 0) state.roles = roles;
  return state;
}

/**
 * Record the versions just trusted. Under a lock, the file is read again and
 * each version becomes the maximum of what is recorded and what was trusted:
 * two verifiers finishing at once never lower what either of them recorded.
 */
export async function writeNotaryState(home: string, gun: string, anchor: string, trusted: NotaryPreviousVersions): Promise<void> {
  const path = notaryStatePath(home, gun, anchor);
  await mkdir(join(home, 'notary'), { recursive: true, mode: 0o700 });
  await withFileLock(`${path}.lock`, async () => {
    const recorded = (await readStateFile(path)) ?? {};
    const roles = new Map(recorded.roles ?? []);
    for (const [name, version] of trusted.roles ?? []) roles.set(name, Math.max(roles.get(name) ?? 0, version));
    const state = {
      gun,
      anchor,
      root: Math.max(recorded.root ?? 0, trusted.root ?? 0),
      timestamp: Math.max(recorded.timestamp ?? 0, trusted.timestamp ?? 0),
      snapshot: Math.max(recorded.snapshot ?? 0, trusted.snapshot ?? 0),
      roles: [...roles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    };
    await writeFileAtomic(path, JSON.stringify(state), { mode: 0o600 });
  });
}

function isVersion(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
