// A publish lock for stores without compare-and-swap (OCI registries): a
// lease document in one mutable cell (a tag), taken by write → wait → read
// back. Safe as long as a contender's read-to-write time stays under the
// settle time, which each contender measures and enforces on its own clock;
// expiry is judged on the observer's clock, so no clock sync is needed.
// The protocol and its assumptions: docs/concurrency.md.

import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { FaultHook, PublishLock } from './metadata-store.js';
import { isDeadLocalHolder } from './lock-holder.js';
import { isRecord } from '../metadata/types.js';
import { InconclusiveError } from '../errors.js';

/** One mutable cell holding the lease document. */
export interface LeaseCell {
  read(): Promise<Uint8Array | undefined>;
  /** Make writes quick (e.g. upload shared blobs); changes nothing visible. */
  prepare?(): Promise<void>;
  write(bytes: Uint8Array): Promise<void>;
}

export interface LeaseOptions {
  /** How long a lease stays valid without its owner (observer's clock). Default 60 s. */
  ttlMs?: number;
  /** Wait between writing a lease and reading it back. Default 300 ms. */
  settleMs?: number;
  /** Give up waiting for a held lease after this long. Default 300 s. */
  waitMs?: number;
  faults?: FaultHook;
  /** Where the lease lives, for messages. */
  location: string;
}

interface LeaseDoc {
  token?: string;
  host?: string;
  pid?: number;
  ttlMs?: number;
  free?: boolean;
}

/** The longest lease a document may claim; longer claims are cut to this. */
const MAX_TTL_MS = 10 * 60_000;

export class RegistryLease {
  private readonly ttlMs: number;
  private readonly settleMs: number;
  private readonly waitMs: number;
  private readonly faults: FaultHook;
  /** When this process first saw each foreign token (its own monotonic clock). */
  private readonly firstSeen = new Map<string, number>();

  constructor(private readonly cell: LeaseCell, private readonly options: LeaseOptions) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.settleMs = options.settleMs ?? 300;
    this.waitMs = options.waitMs ?? 300_000;
    this.faults = options.faults ?? (() => undefined);
  }

  async withLease<T>(work: (lock: PublishLock) => Promise<T>): Promise<T> {
    const token = randomBytes(12).toString('hex');
    const acquiredAt = await this.acquire(token);
    const lock: PublishLock = {
      confirm: async () => {
        // Fencing: our lease must still be the one in the cell, with time to spare.
        const current = await this.readDoc();
        const left = this.ttlMs - (performance.now() - acquiredAt);
        if (current?.token !== token || left < this.ttlMs / 4) {
          throw new InconclusiveError('lock-lost', `the publish lease on ${this.options.location} is no longer ours; the publish will be retried`);
        }
      },
    };
    try {
      return await work(lock);
    } finally {
      await this.faults('unlock');
      if ((await this.readDoc().catch(() => undefined))?.token === token) await this.writeDoc({ free: true, token: `released-${token}` });
    }
  }

  /** Take the lease; returns when (our clock) it was written. */
  private async acquire(token: string): Promise<number> {
    const deadline = performance.now() + this.waitMs;
    const mine = Buffer.from(JSON.stringify({ token, host: hostname(), pid: process.pid, ttlMs: this.ttlMs } satisfies LeaseDoc));
    await this.cell.prepare?.();
    for (let attempt = 0; ; attempt++) {
      if (performance.now() > deadline) {
        throw new InconclusiveError('store-locked', `could not take the publish lease on ${this.options.location} within ${Math.round(this.waitMs / 1000)} s (another publisher holds it, or the registry answers too slowly for a safe lease); retry later`);
      }
      const readAt = performance.now();
      const current = await this.readDoc();
      if (this.isTaken(current)) {
        await sleep(Math.min(25 * 2 ** Math.min(attempt, 4), 400) * (0.5 + Math.random()));
        continue;
      }
      await this.faults('lock');
      await this.cell.write(mine);
      const writtenAt = performance.now();
      // Safe only if our write landed within the settle time of the state we read
      // (a contender that confirmed before it then sees our lease and backs off).
      const quick = writtenAt - readAt < this.settleMs * 0.8;
      await sleep(this.settleMs);
      const after = await this.readDoc();
      if (after?.token === token && quick) return writtenAt;
      if (after?.token === token) {
        // Too slow to be sure nobody confirmed in between: hand the lease back, try again.
        await this.writeDoc({ free: true, token: `released-${token}` });
      }
      await sleep(this.settleMs * Math.random());
    }
  }

  /** Held by someone alive: not free, not expired, not a dead process on this host. */
  private isTaken(doc: LeaseDoc | undefined): boolean {
    if (!doc || doc.free || typeof doc.token !== 'string') return false;
    if (isDeadLocalHolder(doc)) return false;
    const now = performance.now();
    const seen = this.firstSeen.get(doc.token) ?? now;
    this.firstSeen.set(doc.token, seen);
    const ttl = Math.min(typeof doc.ttlMs === 'number' && doc.ttlMs > 0 ? doc.ttlMs : this.ttlMs, MAX_TTL_MS);
    return now - seen <= ttl;
  }

  private async readDoc(): Promise<LeaseDoc | undefined> {
    const bytes = await this.cell.read();
    if (!bytes) return undefined;
    try {
      const doc = JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
      return isRecord(doc) ? (doc as LeaseDoc) : undefined;
    } catch {
      return undefined;
    }
  }

  private async writeDoc(doc: LeaseDoc): Promise<void> {
    await this.cell.write(Buffer.from(JSON.stringify(doc)));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
