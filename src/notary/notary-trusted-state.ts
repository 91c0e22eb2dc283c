// What signet remembers about a Notary collection between runs: the highest
// timestamp and snapshot versions it trusted, so a server (or a copied trust
// directory) that rolls back is caught. SIGNET_HOME/notary/<id>.json.

import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileBounded, writeFileAtomic } from '../store/atomic-file.js';
import { LIMITS } from '../limits.js';
import type { NotaryPreviousVersions } from './notary-trusted-set.js';

/**
 * The state file for `gun`. One per collection, whatever the source: a stale
 * trust directory read after the server is caught as a rollback too.
 */
export function notaryStatePath(home: string, gun: string): string {
  const id = createHash('sha256').update(gun).digest('hex').slice(0, 32);
  return join(home, 'notary', `${id}.json`);
}

/** Versions trusted before; empty on first use or when the file is unreadable as state. */
export async function readNotaryState(path: string): Promise<NotaryPreviousVersions> {
  const bytes = await readFileBounded(path, LIMITS.configFileBytes, { refuseSymlink: true });
  if (bytes === undefined) return {};
  try {
    const doc = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    const state: NotaryPreviousVersions = {};
    if (Number.isSafeInteger(doc['timestamp'])) state.timestamp = doc['timestamp'] as number;
    if (Number.isSafeInteger(doc['snapshot'])) state.snapshot = doc['snapshot'] as number;
    return state;
  } catch {
    return {};
  }
}

/** Record the versions just trusted (never lowering what was recorded). */
export async function writeNotaryState(path: string, gun: string, previous: NotaryPreviousVersions, trusted: { timestamp: number; snapshot: number }): Promise<void> {
  const state = {
    gun,
    timestamp: Math.max(previous.timestamp ?? 0, trusted.timestamp),
    snapshot: Math.max(previous.snapshot ?? 0, trusted.snapshot),
  };
  await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, JSON.stringify(state));
}
