// A trust session kept open in memory for one trust repository, so admission
// decisions do not repeat the TUF refresh. Refreshed at most once per
// interval, and sooner when trusted metadata nears expiry; every decision
// checks the expiry of what it trusts against its own reference time, so a
// warm session never decides from expired metadata. Each new session writes
// what its refresh verified back to the trusted state at once (rollback
// memory persisted as `signet verify` persists it, only sooner), so the next
// one can open while the current one keeps deciding: a decision past 4/5 of
// the interval starts the refresh in the background, and only decisions
// past the whole interval wait for it (no decision uses a generation older
// than the interval, as before, but most refreshes are done by then). A refresh that brings the same
// tree (root and every targets role's snapshot record) keeps the previous
// generation's answers, and the expiry of the roles they came from.

import { withTrustSession, type TargetInfo, type TrustSession, type TrustSource } from '../verify/trust-session.js';
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
  /** The open session, its lookups memoized (see `memoized`). */
  ready: Promise<WarmSession>;
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
  /** Lookup answers the last refresh kept because the tree was unchanged (0 when it changed). */
  carriedAnswers: number;
}

export class WarmTrust {
  private current: Generation | undefined;
  private rotating: Promise<Generation> | undefined;
  private refreshes = 0;
  private refreshFailures = 0;
  private earliest: Date | undefined;
  private carried = 0;
  /** When a refresh started ahead last failed (it is not retried before retryMs). */
  private aheadFailedAt = -Infinity;
  /** Old generations closing in the background (see rotate). */
  private readonly closing = new Set<Promise<void>>();

  constructor(
    private readonly source: TrustSource,
    private readonly options: WarmOptions,
    private readonly onRefresh: (outcome: 'ok' | 'failed', error: SignetError | undefined, ms: number) => void = () => undefined,
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
    let generation = await this.generationFor(now.getTime());
    // A generation retired meanwhile (its successor opened) closes once idle: take the successor.
    while (generation.retiring) generation = await this.generationFor(now.getTime());
    generation.inflight++;
    try {
      const session = await generation.ready;
      const result = await work(session);
      const earliest = checkFresh(session, now);
      // Delegated roles loaded by lookups count toward the early refresh too.
      if (earliest && generation === this.current && (!this.earliest || earliest < this.earliest)) this.earliest = earliest;
      return result;
    } finally {
      generation.inflight--;
      if (generation.retiring && generation.inflight === 0) generation.release();
    }
  }

  status(): WarmStatus {
    const out: WarmStatus = { location: this.location, refreshes: this.refreshes, refreshFailures: this.refreshFailures, carriedAnswers: this.carried };
    if (this.current && !this.current.failure) out.openedAt = new Date(this.current.openedAt);
    if (this.earliest) out.earliestExpiry = this.earliest;
    return out;
  }

  /** Close the open session (writing its state back). */
  async close(): Promise<void> {
    await this.rotating?.catch(() => undefined);
    const last = this.current;
    this.current = undefined;
    if (last) await retire(last);
    await Promise.all(this.closing);
  }

  private async generationFor(nowMs: number): Promise<Generation> {
    const current = this.current;
    if (current && !this.due(current, nowMs)) {
      // Past 4/5 of the interval: open the next generation now, while this one keeps deciding.
      const ahead = nowMs - current.openedAt >= (this.options.refreshMs * 4) / 5 && nowMs - this.aheadFailedAt >= this.options.retryMs;
      if (!this.rotating && !current.failure && ahead) {
        this.rotating = this.rotate(current, nowMs, true).finally(() => (this.rotating = undefined));
      }
      return current;
    }
    this.rotating ??= this.rotate(current, nowMs, false).finally(() => (this.rotating = undefined));
    const next = await this.rotating;
    // A refresh started ahead that failed hands back the current generation: past its interval, try again and fail closed.
    if (next === current) {
      this.rotating ??= this.rotate(current, nowMs, false).finally(() => (this.rotating = undefined));
      return this.rotating;
    }
    return next;
  }

  private due(generation: Generation, nowMs: number): boolean {
    const age = nowMs - generation.openedAt;
    if (generation.failure) return age >= this.options.retryMs;
    if (age >= this.options.refreshMs) return true;
    // Near expiry: refresh, but not more than once a second.
    return this.earliest !== undefined && this.earliest.getTime() - nowMs <= this.options.expiryMarginMs && age >= 1000;
  }

  /** `ahead`: started before `old` is due; a failure then leaves `old` deciding (the due refresh tries again). */
  private async rotate(old: Generation | undefined, nowMs: number, ahead: boolean): Promise<Generation> {
    const started = performance.now();
    const took = () => Math.round((performance.now() - started) * 10) / 10;
    // The old generation's answers (see memoized): settled ones only, it may still be deciding.
    const previous = old && !old.failure ? await old.ready : undefined;
    let release!: () => void;
    const closing = new Promise<void>((r) => (release = r));
    let opened!: (session: WarmSession) => void;
    const ready = new Promise<WarmSession>((resolve) => (opened = resolve));
    const generation: Generation = { ready, closed: Promise.resolve(), release, openedAt: nowMs, inflight: 0, retiring: false };
    const done = withTrustSession(this.source, async (session) => {
      // Rollback memory on disk before any decision uses this session (and before the next one opens).
      await session.persist();
      opened(memoized(session, previous));
      await closing;
    });
    // Whichever comes first: the session is open (refreshed), or the refresh failed.
    const first = await Promise.race([ready.then(() => 'open' as const), done.then(() => 'closed' as const, (error: unknown) => error)]);
    if (first === 'open') {
      generation.closed = done.catch(() => undefined);
      const session = await ready;
      this.earliest = session.earliest()?.[1];
      this.carried = session.carriedAnswers;
      this.refreshes++;
      this.onRefresh('ok', undefined, took());
    } else {
      const failure = first instanceof SignetError ? first : new InconclusiveError('refresh-failed', `could not refresh ${this.location}: ${String(first)}`, { cause: first });
      if (ahead && old) {
        this.aheadFailedAt = nowMs;
        this.refreshFailures++;
        this.onRefresh('failed', failure, took());
        return old;
      }
      generation.failure = failure;
      generation.ready = Promise.reject(failure);
      generation.ready.catch(() => undefined);
      this.earliest = undefined;
      this.refreshFailures++;
      this.onRefresh('failed', failure, took());
    }
    this.current = generation;
    // The old generation closes (writing back what its lookups loaded) once its decisions finish.
    if (old) {
      const closed = retire(old).finally(() => this.closing.delete(closed));
      this.closing.add(closed);
    }
    return generation;
  }
}

async function retire(generation: Generation): Promise<void> {
  generation.retiring = true;
  if (generation.inflight === 0) generation.release();
  await generation.closed;
}

/** A session whose lookups are memoized and whose earliest expiry is kept. */
interface WarmSession extends TrustSession {
  /** The trusted role expiring first, and when. */
  earliest(): [string, Date] | undefined;
  /** Answers known for certain (settled), by target name. */
  answered(): ReadonlyMap<string, TargetInfo | undefined>;
  /** How many answers this session took over from the previous generation. */
  readonly carriedAnswers: number;
}

const MAX_MEMO = 100_000;

/**
 * Lookups memoized per session: nothing trusted changes until the next
 * refresh (failures are not kept). Only a lookup that ran can have loaded
 * another delegated role, so only then is the earliest expiry recomputed.
 *
 * With `previous` (the generation before) over the same tree (see
 * TrustSession.treeId), its answers are kept: tuf-js would verify the same
 * role bytes under the same keys and answer alike. The roles those answers
 * came from stay in `expiries()` (same bytes, same expiry), so every
 * decision still checks them against its own time.
 */
function memoized(session: TrustSession, previous?: WarmSession): WarmSession {
  const answers = new Map<string, ReturnType<TrustSession['lookup']>>();
  const settled = new Map<string, TargetInfo | undefined>();
  const inherited = new Map<string, Date>();
  if (previous && previous.treeId() === session.treeId()) {
    for (const [name, answer] of previous.answered()) {
      answers.set(name, Promise.resolve(answer));
      settled.set(name, answer);
    }
    const own = session.expiries();
    for (const [role, expires] of previous.expiries()) if (!own.has(role)) inherited.set(role, expires);
  }
  const expiries = () => {
    const all = session.expiries();
    for (const [role, expires] of inherited) if (!all.has(role)) all.set(role, expires);
    return all;
  };
  let earliest: [string, Date] | undefined;
  let stale = true;
  return {
    location: session.location,
    carriedAnswers: settled.size,
    bytesDownloaded: () => session.bytesDownloaded(),
    expiries,
    treeId: () => session.treeId(),
    persist: () => session.persist(),
    revocationOf: (name) => session.revocationOf(name),
    answered: () => settled,
    earliest: () => {
      if (stale) {
        stale = false;
        earliest = undefined;
        for (const [role, expires] of expiries()) if (!earliest || expires < earliest[1]) earliest = [role, expires];
      }
      return earliest;
    },
    lookup: (name) => {
      let answer = answers.get(name);
      if (!answer) {
        answer = session.lookup(name).finally(() => (stale = true));
        if (answers.size >= MAX_MEMO) {
          answers.clear();
          settled.clear();
        }
        answers.set(name, answer);
        answer.then(
          (found) => settled.set(name, found),
          () => answers.delete(name),
        );
      }
      return answer;
    },
  };
}

/** TUF 5.4.4 / 5.5.6 / 5.6.5 at decision time: no trusted role may be expired at `now`. Returns the earliest expiry. */
function checkFresh(session: WarmSession, now: Date): Date | undefined {
  const earliest = session.earliest();
  if (earliest && earliest[1].getTime() <= now.getTime()) {
    const [role, expires] = earliest;
    throw new VerificationError('expired', `${role} expired ${expires.toISOString()} in ${session.location}; its publisher must re-sign it (\`signet timestamp\`)`);
  }
  return earliest?.[1];
}
