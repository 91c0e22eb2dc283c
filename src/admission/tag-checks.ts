// How the deploy gate checks an image given by tag: identical concurrent
// checks share one registry fetch (a ReplicaSet scaling up sends many
// identical Pods at once), and /mutate may reuse a tag's manifest fetched a
// few seconds earlier in the same trust generation.
//
// Contract: every answer is `verifyManifest` run by the caller itself over
// the session of the generation it decides in (the code `signet verify`
// runs), so each caller gets its own verdict and nothing trusted is reused
// across a refresh. What is shared or remembered is only the registry's
// answer to "which bytes does this tag name" (bytes the client hashed):
// - in-flight sharing (both endpoints): a fetch still running when the
//   check arrives, so the answer is at most one fetch older than the
//   check, the same race any check has with a push landing during it;
// - the memo (`/mutate` only, `memoMs` > 0, cleared by every refresh): a
//   manifest whose fetch started less than `memoMs` before this check's
//   reference time (each entry's window is drawn between 3/4 and all of
//   `memoMs`, so entries fetched together do not all expire together). /mutate pins the Pod to that manifest's digest, and
//   only after it verified again now, so the node runs bytes the current
//   trusted targets sign for that tag. A tag re-pointed within the window
//   is denied once the window ends (at once with `memoMs` 0); /validate,
//   which admits the tag as written, never uses the memo.
// The registry fetch runs outside the warm session (a slow registry never
// holds back a refresh).

import type { RegistryReference } from '../image/image-reference.js';
import type { Manifest } from '../image/manifest.js';
import { verifyManifest, type VerifiedImage } from '../verify/verify-image.js';
import type { TrustSession } from '../verify/trust-session.js';
import type { WarmTrust } from './warm-trust.js';

/** Manifests remembered per generation at most (oldest dropped first). */
const MEMO_MAX = 10_000;
/**
 * A fetch in flight is joined only this long after it started: one that hangs
 * (until the transport's deadline) is not joined by every later check, which
 * then fetch for themselves and get the answer of a registry that is back.
 */
export const JOIN_MAX_MS = 1000;

export type TagUse = 'validate' | 'mutate';

export interface TagCheckStats {
  /** Registry fetches of a manifest by tag. */
  fetched: number;
  /** Checks that joined a fetch already in flight. */
  joined: number;
  /** /mutate checks answered from the memo (no registry fetch). */
  remembered: number;
}

/** A registry answer, and the reference time of the check that asked for it. */
interface Fetched {
  atMs: number;
  manifest: Manifest;
}

interface Kept extends Fetched {
  /** The end of this entry's window: at most `memoMs` after `atMs`. */
  untilMs: number;
}

export class TagChecks {
  private readonly flights = new Map<string, { atMs: number; manifest: Promise<Manifest> }>();
  /** Keyed by the generation's session object: a refresh starts empty, the old memo goes with the old session. */
  private readonly memos = new WeakMap<TrustSession, Map<string, Kept>>();
  readonly stats: TagCheckStats = { fetched: 0, joined: 0, remembered: 0 };

  /**
   * `fetch` gets a manifest from the registry (hashing the bytes it received);
   * `memoMs` 0 disables the memo.
   */
  constructor(
    private readonly fetch: (ref: RegistryReference) => Promise<Manifest>,
    private readonly memoMs: number,
    /** Told of every manifest that verified (the gate keeps those by digest). */
    private readonly verified: (ref: RegistryReference, manifest: Manifest) => void = () => undefined,
  ) {
    if (!Number.isSafeInteger(memoMs) || memoMs < 0) throw new RangeError(`tag memo must be a non-negative number of ms, not ${memoMs}`);
  }

  /**
   * Verify `ref` (a tag reference) for a decision at `now` in `warm`'s
   * current generation. Throws what `verifyManifest` or the fetch throws.
   */
  async verify(warm: WarmTrust, ref: RegistryReference, now: Date, use: TagUse): Promise<VerifiedImage> {
    const nowMs = now.getTime();
    if (use === 'mutate' && this.memoMs > 0) {
      const hit = await warm.use(now, async (session) => {
        const kept = this.memos.get(session)?.get(ref.text);
        if (!kept || nowMs < kept.atMs || nowMs >= kept.untilMs) return undefined;
        this.stats.remembered++;
        return verifyManifest(session, ref, kept.manifest); // verified again, in this generation
      });
      if (hit) return hit;
    }
    const fetched = await this.fetchShared(ref, nowMs);
    const result = await warm.use(now, async (session) => {
      const verified = await verifyManifest(session, ref, fetched.manifest);
      if (this.memoMs > 0) this.remember(session, ref.text, fetched);
      return verified;
    });
    this.verified(ref, fetched.manifest);
    return result;
  }

  /** The registry's answer for `ref`, joining a fetch of the same reference already in flight. */
  private async fetchShared(ref: RegistryReference, nowMs: number): Promise<Fetched> {
    let flight = this.flights.get(ref.text);
    if (flight && nowMs - flight.atMs <= JOIN_MAX_MS) {
      this.stats.joined++;
    } else {
      this.stats.fetched++;
      const started = { atMs: nowMs, manifest: this.fetch(ref) };
      this.flights.set(ref.text, started);
      const landed = () => {
        if (this.flights.get(ref.text) === started) this.flights.delete(ref.text);
      };
      started.manifest.then(landed, landed);
      flight = started;
    }
    return { atMs: flight.atMs, manifest: await flight.manifest };
  }

  private remember(session: TrustSession, key: string, fetched: Fetched): void {
    let memo = this.memos.get(session);
    if (!memo) {
      memo = new Map();
      this.memos.set(session, memo);
    }
    const kept = memo.get(key);
    if (kept && kept.atMs >= fetched.atMs) return;
    memo.delete(key);
    if (memo.size >= MEMO_MAX) memo.delete(memo.keys().next().value!);
    // Jittered so that a burst of fetches (a start, a refresh) does not come back as a burst of expiries.
    memo.set(key, { ...fetched, untilMs: fetched.atMs + Math.max(1, Math.floor(this.memoMs * (0.75 + Math.random() / 4))) });
  }
}
