// A trust repository loaded and verified before the publish lock, while other
// work runs (a bulk sign resolving 1,000 manifests), with the roles an edit
// will need loaded into it too. Under the lock it is used only when nothing
// was published since; otherwise the publish loads afresh as always.

import type { Envelope, RootJSON } from '../metadata/types.js';
import { metadataFileName, type MetadataStore } from '../store/metadata-store.js';
import { LIMITS } from '../limits.js';
import { TrustRepository, serialize } from './trust-repository.js';

export class WarmRepository {
  private readonly loading: Promise<TrustRepository | undefined>;
  private readonly wanted = new Set<string>();
  private readonly queue: string[] = [];
  private readonly pending = new Set<Promise<void>>();
  private repo: TrustRepository | undefined;
  private taken = false;

  /** Start loading the newest published state of `store` (verified against `pinned`, as TrustRepository.load does). */
  constructor(private readonly store: MetadataStore, pinned: Envelope<RootJSON>) {
    // Any failure is left for the load under the lock to meet and report.
    this.loading = TrustRepository.load(store, pinned).then(
      (repo) => {
        this.repo = repo;
        this.pump();
        return repo;
      },
      () => undefined,
    );
  }

  /** Load (in the background, a few at a time) the roles that will hold these target names. */
  preloadTargets(names: Iterable<string>): void {
    if (this.taken) return;
    for (const name of names) this.queue.push(name);
    this.pump();
  }

  /**
   * The warm repository, if it is still the current state: the store's
   * timestamp.json is byte for byte the one it loaded (which pins the
   * snapshot, which pins every targets role and bin) and no newer root
   * version exists. Call under the publish lock; at most once. Every role
   * asked for before has been loaded when this resolves, and nothing runs in
   * the background any more: the edit that follows owns the repository alone.
   */
  async takeIfCurrent(): Promise<TrustRepository | undefined> {
    if (this.taken) return undefined;
    this.taken = true;
    const repo = await this.loading;
    // Each finished load schedules the next queued one before this loop looks again.
    while (this.pending.size > 0) await Promise.all(this.pending);
    if (!repo) return undefined;
    const timestamp = await this.store.get('timestamp.json', LIMITS.timestampBytes);
    if (timestamp === undefined || Buffer.compare(Buffer.from(timestamp), serialize(repo.timestamp)) !== 0) return undefined;
    if ((await this.store.get(metadataFileName('root', repo.root.signed.version + 1), LIMITS.rootBytes)) !== undefined) return undefined;
    return repo;
  }

  private pump(): void {
    const repo = this.repo;
    if (!repo) return;
    while (this.pending.size < LIMITS.publishConcurrency && this.queue.length > 0) {
      const role = repo.roleFor(this.queue.shift()!);
      if (this.wanted.has(role)) continue;
      this.wanted.add(role);
      // A role that fails to load is left for the edit, which meets the same error.
      const load: Promise<void> = repo.role(role).then(
        () => undefined,
        () => undefined,
      );
      this.pending.add(load);
      void load.finally(() => {
        this.pending.delete(load);
        this.pump();
      });
    }
  }
}
