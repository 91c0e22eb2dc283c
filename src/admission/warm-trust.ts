// A trust session kept open in memory for one trust repository, so admission
// decisions do not repeat the TUF refresh. Refreshed at most once per
// interval, and sooner when trusted metadata nears expiry; every decision
// checks the expiry of what it trusts against its own reference time, so a
// warm session never decides from expired metadata. A new session starts
// only after the old one wrote its state back (rollback memory persisted
// exactly as `signet verify` persists it).

import { withTrustSession, type TrustSession, type TrustSource } from '../verify/trust-session.js';
import { InconclusiveError, SignetError, VerificationError } from '../errors.js';

export interface WarmOptions {
  /** Refresh at most this often (ms). */
  refreshMs: number;
  /** Refresh sooner when anything trusted expires within this (ms). */
  expiryMarginMs: number;
  /** After a failed refresh, wait this long (ms) before trying again; decisions meanwhile fail with its error. */
  retryMs: number;
}

interface Generation {
  ready: Promise<TrustSession>;
  /** Resolves once the session closed and wrote its trusted state back. */
  closed: Promise<void>;
  release: () => void;
  openedAt: number;
  inflight: number;
  retiring: boolean;
  failure?: SignetError;
}

export interface WarmStatus {
  location: string;
  openedAt?: Date;
  /** Earliest expiry among trusted roles, when a session is open. */
  earliestExpiry?: Date;
  refreshes: number;
  refreshFailures: number;
}

export class WarmTrust {
  private current: Generation | undefined;
  private rotating: Promise<Generation> | undefined;
  private refreshes = 0;
  private refreshFailures = 0;
  private earliest: Date | undefined;

  constructor(
    private readonly source: TrustSource,
    private readonly options: WarmOptions,
    private readonly onRefresh: (outcome: 'ok' | 'failed', error?: SignetError) => void = () => undefined,
  ) {}

  get location(): string {
    return this.source.store.location;
  }

  /**
   * Run `work` with an open session, refreshing first when due. After
   * `work`, every trusted role must still be valid at `now` (the decision's
   * reference time): tuf-js checked expiry when the session opened.
   */
  async use<T>(now: Date, work: (session: TrustSession) => Promise<T>): Promise<T> {
    const generation = await this.generationFor(now.getTime());
    generation.inflight++;
    try {
      const session = await generation.ready;
      const result = await work(session);
      checkFresh(session, now);
      return result;
    } finally {
      generation.inflight--;
      if (generation.retiring && generation.inflight === 0) generation.release();
    }
  }

  status(): WarmStatus {
    const out: WarmStatus = { location: this.location, refreshes: this.refreshes, refreshFailures: this.refreshFailures };
    if (this.current && !this.current.failure) out.openedAt = new Date(this.current.openedAt);
    if (this.earliest) out.earliestExpiry = this.earliest;
    return out;
  }

  /** Close the open session (writing its state back). */
  async close(): Promise<void> {
    const last = this.current;
    this.current = undefined;
    if (last) await retire(last);
  }

  private async generationFor(nowMs: number): Promise<Generation> {
    if (this.rotating) return this.rotating;
    const current = this.current;
    if (current && !this.due(current, nowMs)) return current;
    this.rotating = this.rotate(current, nowMs).finally(() => (this.rotating = undefined));
    return this.rotating;
  }

  private due(generation: Generation, nowMs: number): boolean {
    const age = nowMs - generation.openedAt;
    if (generation.failure) return age >= this.options.retryMs;
    if (age >= this.options.refreshMs) return true;
    // Near expiry: refresh, but not more than once a second.
    return this.earliest !== undefined && this.earliest.getTime() - nowMs <= this.options.expiryMarginMs && age >= 1000;
  }

  private async rotate(old: Generation | undefined, nowMs: number): Promise<Generation> {
    if (old) await retire(old);
    let release!: () => void;
    const closing = new Promise<void>((r) => (release = r));
    let opened!: (session: TrustSession) => void;
    const ready = new Promise<TrustSession>((resolve) => (opened = resolve));
    const generation: Generation = { ready, closed: Promise.resolve(), release, openedAt: nowMs, inflight: 0, retiring: false };
    const done = withTrustSession(this.source, async (session) => {
      opened(session);
      await closing;
    });
    // Whichever comes first: the session is open (refreshed), or the refresh failed.
    const first = await Promise.race([ready.then(() => 'open' as const), done.then(() => 'closed' as const, (error: unknown) => error)]);
    if (first === 'open') {
      generation.closed = done.catch(() => undefined);
      const session = await ready;
      this.earliest = earliestOf(session);
      this.refreshes++;
      this.onRefresh('ok');
    } else {
      const failure = first instanceof SignetError ? first : new InconclusiveError('refresh-failed', `could not refresh ${this.location}: ${String(first)}`, { cause: first });
      generation.failure = failure;
      generation.ready = Promise.reject(failure);
      generation.ready.catch(() => undefined);
      this.earliest = undefined;
      this.refreshFailures++;
      this.onRefresh('failed', failure);
    }
    this.current = generation;
    return generation;
  }
}

async function retire(generation: Generation): Promise<void> {
  generation.retiring = true;
  if (generation.inflight === 0) generation.release();
  await generation.closed;
}

function earliestOf(session: TrustSession): Date | undefined {
  let earliest: Date | undefined;
  for (const expires of session.expiries().values()) if (!earliest || expires < earliest) earliest = expires;
  return earliest;
}

/** TUF 5.4.4 / 5.5.6 / 5.6.5 at decision time: no trusted role may be expired at `now`. */
function checkFresh(session: TrustSession, now: Date): void {
  for (const [role, expires] of session.expiries()) {
    if (expires.getTime() <= now.getTime()) {
      throw new VerificationError('expired', `${role} expired ${expires.toISOString()} in ${session.location}; its publisher must re-sign it (\`signet timestamp\`)`);
    }
  }
}
