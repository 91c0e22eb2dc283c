// The publish transaction: load under the store's lock, apply an edit,
// publish, read the timestamp back, and re-apply the edit when another
// publisher won the race (bounded).

import type { Envelope, RootJSON } from '../metadata/types.js';
import type { MetadataStore, PublishLock } from '../store/metadata-store.js';
import { TrustRepository, type PublishOptions } from './trust-repository.js';
import type { WarmRepository } from './warm-repository.js';
import { InconclusiveError } from '../errors.js';
import { LIMITS } from '../limits.js';

/**
 * Load the repository under the store's publish lock, let `edit` change it,
 * publish, and read the timestamp back. When the lock turned out to be lost
 * or the read-back shows another publisher's timestamp, the whole edit is
 * re-applied to a fresh load (bounded). `edit` may therefore run more than
 * once and must derive its result from the repository it is given. `warm`: a
 * repository loaded ahead of the lock, used on the first attempt when still current.
 */
export async function updateRepository<T>(
  store: MetadataStore,
  pinned: Envelope<RootJSON>,
  options: PublishOptions,
  edit: (repo: TrustRepository) => Promise<T>,
  warm?: WarmRepository,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      // `lock` may be undefined from a store written against the older withLock(() => …).
      return await store.withLock(async (lock?: PublishLock) => {
        // A repository loaded before the lock counts only when nothing was published since (warm-repository.ts).
        const repo = (attempt === 1 ? await warm?.takeIfCurrent() : undefined) ?? (await TrustRepository.load(store, pinned));
        await options.memory?.check(repo);
        const result = await edit(repo);
        const written = await repo.publish({ ...options, beforeCommit: async () => lock?.confirm() });
        if (written !== undefined) await confirmPublished(store, written);
        await options.memory?.record(repo);
        return result;
      });
    } catch (error) {
      const retry = error instanceof InconclusiveError && RETRIED_CODES.has(error.code) && attempt < LIMITS.maxPublishAttempts;
      if (!retry) throw error;
      options.log?.(`${error.message} (attempt ${attempt} of ${LIMITS.maxPublishAttempts})`);
    }
  }
}

const RETRIED_CODES = new Set(['lock-lost', 'publish-lost']);

/** Read-after-write: the store must now serve exactly the timestamp we wrote. */
async function confirmPublished(store: MetadataStore, written: Uint8Array): Promise<void> {
  const served = await store.get('timestamp.json', LIMITS.timestampBytes);
  if (served === undefined || Buffer.compare(Buffer.from(served), Buffer.from(written)) !== 0) {
    throw new InconclusiveError('publish-lost', `the timestamp read back from ${store.location} is not the one just written; another publisher raced this one`);
  }
}

