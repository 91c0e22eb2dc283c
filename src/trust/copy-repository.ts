// Copy a trust repository from one store to another (a registry mirror, a
// directory, another repository): every file as-is, consistent-snapshot files
// written once, roots first and `timestamp.json` last, under the destination's
// publish lock, so readers of the destination see the old or the new state.

import type { MetadataStore, PublishLock } from '../store/metadata-store.js';
import { UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';

export interface TrustCopyResult {
  /** Files written to the destination (files it already had, identical, are not counted). */
  written: number;
  /** Files the destination already held with the same bytes. */
  unchanged: number;
}

/**
 * Copy every metadata file of `from` into `to`. The caller has already
 * verified `from` against its pinned root. Refuses (UsageError) when the
 * destination holds a different file of the same name, or a newer timestamp:
 * it is another repository, or a newer copy.
 */
export async function copyTrustRepository(from: MetadataStore, to: MetadataStore): Promise<TrustCopyResult> {
  const names = (await from.list()).filter((n) => n.endsWith('.json'));
  if (!names.includes('timestamp.json')) throw new UsageError('not-initialised', `${from.location} has no timestamp.json; nothing to copy`);
  const rootVersion = (n: string) => Number(/^(\d+)\.root\.json$/.exec(n)?.[1] ?? Number.NaN);
  const roots = names.filter((n) => Number.isFinite(rootVersion(n))).sort((a, b) => rootVersion(a) - rootVersion(b));
  const rest = names.filter((n) => n !== 'timestamp.json' && !roots.includes(n)).sort();
  const result: TrustCopyResult = { written: 0, unchanged: 0 };
  return to.withLock(async (lock?: PublishLock) => {
    for (const name of [...roots, ...rest]) {
      const bytes = await readOrFail(from, name);
      const existing = await to.get(name, limitFor(name));
      if (existing !== undefined) {
        if (Buffer.compare(Buffer.from(existing), Buffer.from(bytes)) !== 0) {
          throw new UsageError('trust-conflict', `${to.location} already holds a different ${name}; it is another trust repository (or a diverged copy): choose an empty destination`);
        }
        result.unchanged++;
        continue;
      }
      if (!to.putNew) {
        await to.put(name, bytes);
      } else if (!(await to.putNew(name, bytes))) {
        throw new UsageError('trust-conflict', `${name} appeared in ${to.location} while copying; another publisher is writing there`);
      }
      result.written++;
    }
    const timestamp = await readOrFail(from, 'timestamp.json');
    const current = await to.get('timestamp.json', LIMITS.timestampBytes);
    if (current !== undefined && versionOf(current) > versionOf(timestamp)) {
      throw new UsageError('trust-newer', `${to.location} holds a newer timestamp (v${versionOf(current)}) than ${from.location} (v${versionOf(timestamp)}); copying would roll it back`);
    }
    if (current !== undefined && Buffer.compare(Buffer.from(current), Buffer.from(timestamp)) === 0) {
      result.unchanged++;
      return result;
    }
    await lock?.confirm();
    await to.put('timestamp.json', timestamp);
    result.written++;
    return result;
  });
}

function limitFor(name: string): number {
  if (name === 'timestamp.json') return LIMITS.timestampBytes;
  if (/\.root\.json$/.test(name)) return LIMITS.rootBytes;
  if (/\.snapshot\.json$/.test(name)) return LIMITS.snapshotBytes;
  return LIMITS.targetsBytes;
}

async function readOrFail(store: MetadataStore, name: string): Promise<Uint8Array> {
  const bytes = await store.get(name, limitFor(name));
  if (bytes === undefined) throw new UsageError('trust-changed', `${name} disappeared from ${store.location} while copying`);
  return bytes;
}

function versionOf(bytes: Uint8Array): number {
  try {
    const doc = JSON.parse(Buffer.from(bytes).toString('utf8')) as { signed?: { version?: unknown } };
    return typeof doc.signed?.version === 'number' ? doc.signed.version : 0;
  } catch {
    return 0;
  }
}
