// The writer's memory of the newest versions it has seen in a store, so a
// store that was rolled back to older (validly signed) metadata is refused
// instead of being built on: otherwise the next publish would silently undo
// revocations made since. Kept per store location under SIGNET_HOME/published.

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { readFileBounded, writeFileAtomic } from '../store/atomic-file.js';
import { isRecord } from '../metadata/types.js';
import { VerificationError } from '../errors.js';
import type { TrustRepository } from './trust-repository.js';

export interface PublishMemory {
  /** Throws a VerificationError when `repo` is older than what was seen before. */
  check(repo: TrustRepository): Promise<void>;
  /** Remember `repo`'s versions (never lowering a remembered one). */
  record(repo: TrustRepository): Promise<void>;
  /** The newest versions remembered, if any (a repair must publish above them). */
  seen(): Promise<Seen | undefined>;
}

export type Seen = Record<'root' | 'timestamp' | 'snapshot', number>;

/** A PublishMemory in `home`/published/<hash of location>.json. */
export function filePublishMemory(home: string, location: string): PublishMemory {
  const dir = join(home, 'published');
  const path = join(dir, `${createHash('sha256').update(location).digest('hex').slice(0, 32)}.json`);
  const read = async (): Promise<Seen | undefined> => {
    const bytes = await readFileBounded(path, 64 * 1024, { refuseSymlink: true });
    if (bytes === undefined) return undefined;
    const doc = JSON.parse(bytes.toString('utf8')) as unknown;
    if (!isRecord(doc)) return undefined;
    const num = (key: string) => (typeof doc[key] === 'number' ? (doc[key] as number) : 0);
    return { root: num('root'), timestamp: num('timestamp'), snapshot: num('snapshot') };
  };
  return {
    seen: read,
    async check(repo) {
      const seen = await read();
      if (!seen) return;
      const now = versionsOf(repo);
      for (const role of ['root', 'timestamp', 'snapshot'] as const) {
        if (now[role] < seen[role]) {
          throw new VerificationError(
            'store-rollback',
            `${location} serves ${role} v${now[role]}, older than v${seen[role]} which this machine already saw there; someone may have restored old metadata. Refusing to sign on top of it (delete ${path} only if the rollback was intended)`,
          );
        }
      }
    },
    async record(repo) {
      const seen = (await read()) ?? { root: 0, timestamp: 0, snapshot: 0 };
      const now = versionsOf(repo);
      const next: Seen = { root: Math.max(seen.root, now.root), timestamp: Math.max(seen.timestamp, now.timestamp), snapshot: Math.max(seen.snapshot, now.snapshot) };
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(path, JSON.stringify({ location, ...next }) + '\n');
    },
  };
}

function versionsOf(repo: TrustRepository): Seen {
  return { root: repo.root.signed.version, timestamp: repo.timestamp.signed.version, snapshot: repo.snapshot.signed.version };
}
