// A warm trust session (kept open by the admission server) never decides
// from metadata that expired while it was open: each decision checks every
// trusted role's expiry against the decision's own reference time.

import { afterEach, describe, expect, it } from 'vitest';
import { addImage, createFixture, fakeDigest, newSigner, type Fixture } from '../trust/repository-fixture.js';
import { addDelegation } from '../../src/trust/delegations.js';
import { CountingStore } from '../support/counting-store.js';
import type { MetadataStore } from '../../src/store/metadata-store.js';

/** A store whose timestamp.json reads wait while `hold` is set: a refresh stays in flight until released. */
class HeldStore extends CountingStore {
  hold: Promise<void> | undefined;
  /** Reads that waited on `hold`. */
  held = 0;
  constructor(inner: MetadataStore) {
    super(inner);
  }
  override async get(name: string, maxBytes: number): Promise<Uint8Array | undefined> {
    if (name === 'timestamp.json' && this.hold) {
      this.held++;
      await this.hold;
    }
    return super.get(name, maxBytes);
  }
}

/** Wait (polling, at most ~5 s) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}
import { WarmTrust } from '../../src/admission/warm-trust.js';
import { caught } from '../support/caught.js';
import { InconclusiveError } from '../../src/errors.js';

let fx: Fixture;
afterEach(async () => fx?.cleanup());

const HOUR = 3600_000;

describe('a warm session whose timestamp expires while it is open', () => {
  it('refuses the decision as expired, though tuf-js accepted the metadata when the session opened', async () => {
    const now = new Date();
    fx = await createFixture({ now, expirySeconds: { timestamp: 3600 } });
    await fx.update(now, (repo) => addImage(repo, 'team/app', '1.0', fakeDigest('app')));
    const timestampExpiry = JSON.parse(Buffer.from((await fx.store.get('timestamp.json', 1 << 20))!).toString()).signed.expires as string;
    // tuf-js checks expiry against the wall clock when a session opens (the metadata is valid then); the
    // gate must still refuse a decision whose reference time is past the timestamp's expiry.
    const warm = new WarmTrust({ store: fx.store, pinnedRoot: fx.pinnedBytes, home: await fx.newHome() }, { refreshMs: 10 * HOUR, expiryMarginMs: 0, retryMs: 1000 });
    const lookup = (at: Date) => warm.use(at, (session) => session.lookup('team/app:1.0'));
    expect(await lookup(now)).toMatchObject({ name: 'team/app:1.0' });
    const afterExpiry = new Date(new Date(timestampExpiry).getTime() + 1000);
    const error = await caught(lookup(afterExpiry));
    expect(error).toMatchObject({ kind: 'invalid', code: 'expired' });
    expect(String((error as Error).message)).toMatch(/timestamp expired/);
    await warm.close();
  });
});

describe('a warm session past its refresh interval', () => {
  it('refreshes once and sees a newer target', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    await fx.update(now, (repo) => addImage(repo, 'team/app', '1.0', fakeDigest('app')));
    const warm = new WarmTrust({ store: fx.store, pinnedRoot: fx.pinnedBytes, home: await fx.newHome() }, { refreshMs: HOUR, expiryMarginMs: 0, retryMs: 1000 });
    expect(await warm.use(now, (s) => s.lookup('team/app:2.0'))).toBeUndefined();
    await fx.update(now, (repo) => addImage(repo, 'team/app', '2.0', fakeDigest('app2')));
    expect(await warm.use(new Date(now.getTime() + 1000), (s) => s.lookup('team/app:2.0'))).toBeUndefined(); // still the warm session
    expect(await warm.use(new Date(now.getTime() + HOUR), (s) => s.lookup('team/app:2.0'))).toMatchObject({ name: 'team/app:2.0' });
    expect(warm.status().refreshes).toBe(2);
    await warm.close();
  });
});

describe('a refresh that brings nothing new', () => {
  it('keeps the answers; a refresh after a publish starts afresh', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    await fx.update(now, (repo) => addImage(repo, 'team/app', '1.0', fakeDigest('app')));
    const warm = new WarmTrust({ store: fx.store, pinnedRoot: fx.pinnedBytes, home: await fx.newHome() }, { refreshMs: HOUR, expiryMarginMs: 0, retryMs: 1000 });
    const lookup = (at: number, name: string) => warm.use(new Date(now.getTime() + at), (s) => s.lookup(name));
    expect(await lookup(0, 'team/app:1.0')).toMatchObject({ name: 'team/app:1.0' });
    expect(await lookup(0, 'team/app:2.0')).toBeUndefined();
    expect(await lookup(HOUR, 'team/app:1.0')).toMatchObject({ name: 'team/app:1.0' });
    expect(warm.status()).toMatchObject({ refreshes: 2, carriedAnswers: 2 });
    await fx.update(now, (repo) => addImage(repo, 'team/app', '2.0', fakeDigest('app2')));
    expect(await lookup(2 * HOUR, 'team/app:2.0')).toMatchObject({ name: 'team/app:2.0' });
    expect(warm.status()).toMatchObject({ refreshes: 3, carriedAnswers: 0 });
    await warm.close();
  });

  it('still refuses a kept answer once the delegated role it came from expires', async () => {
    const now = new Date();
    const signedAt = new Date(now.getTime() - 10 * HOUR);
    fx = await createFixture({ now: signedAt, expirySeconds: { targets: 12 * 3600 } });
    const team = await newSigner();
    fx.keyring.add(team);
    // team-a is signed 10 h ago (expires in 2 h); targets is re-signed now (expires in 12 h).
    await fx.update(signedAt, async (repo) => {
      await addDelegation(repo, { name: 'team-a', keys: [team.publicKey], paths: ['team/a*'], threshold: 1, terminating: true });
      await addImage(repo, 'team/a', '1.0', fakeDigest('a'), 'team-a');
    });
    await fx.update(now, (repo) => addImage(repo, 'team/top', '1.0', fakeDigest('top')));
    const warm = new WarmTrust({ store: fx.store, pinnedRoot: fx.pinnedBytes, home: await fx.newHome() }, { refreshMs: HOUR, expiryMarginMs: 0, retryMs: 1000 });
    const lookup = (at: number) => warm.use(new Date(now.getTime() + at), (s) => s.lookup('team/a:1.0'));
    expect(await lookup(0)).toMatchObject({ name: 'team/a:1.0', role: 'team-a' });
    expect(await lookup(HOUR)).toMatchObject({ name: 'team/a:1.0' }); // refreshed, answer kept
    expect(warm.status().carriedAnswers).toBe(1);
    const error = await caught(lookup(2 * HOUR + 1000)); // refreshed again, answer kept, team-a expired
    expect(warm.status()).toMatchObject({ refreshes: 3, carriedAnswers: 1 });
    expect(error).toMatchObject({ kind: 'invalid', code: 'expired' });
    expect(String((error as Error).message)).toMatch(/team-a expired/);
    await warm.close();
  });
});

describe('a refresh started ahead (past 4/5 of the interval)', () => {
  it('runs while the current generation keeps deciding; a decision past the whole interval gets the new one', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    await fx.update(now, (repo) => addImage(repo, 'team/app', '1.0', fakeDigest('app')));
    const store = new HeldStore(fx.store);
    const warm = new WarmTrust({ store, pinnedRoot: fx.pinnedBytes, home: await fx.newHome() }, { refreshMs: HOUR, expiryMarginMs: 0, retryMs: 1000 });
    const lookup = (at: number, name: string) => warm.use(new Date(now.getTime() + at), (s) => s.lookup(name));
    expect(await lookup(0, 'team/app:1.0')).toMatchObject({ name: 'team/app:1.0' });
    await fx.update(now, (repo) => addImage(repo, 'team/app', '2.0', fakeDigest('app2')));
    let release!: () => void;
    store.hold = new Promise((r) => (release = r));
    // The refresh is held in the store; this decision does not wait for it (it would hang here if it did).
    expect(await lookup(0.9 * HOUR, 'team/app:2.0')).toBeUndefined();
    await until(() => store.held === 1); // the refresh started ahead, and is held
    expect(await lookup(0.95 * HOUR, 'team/app:2.0')).toBeUndefined(); // still deciding meanwhile
    expect(warm.status().refreshes).toBe(1);
    store.hold = undefined;
    release();
    expect(await lookup(HOUR + 1000, 'team/app:2.0')).toMatchObject({ name: 'team/app:2.0' });
    expect(warm.status().refreshes).toBe(2);
    await warm.close();
  });

  it('leaves the current generation deciding when it fails, and the due refresh tries again', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    await fx.update(now, (repo) => addImage(repo, 'team/app', '1.0', fakeDigest('app')));
    const store = new HeldStore(fx.store);
    const warm = new WarmTrust({ store, pinnedRoot: fx.pinnedBytes, home: await fx.newHome() }, { refreshMs: HOUR, expiryMarginMs: 0, retryMs: 1000 });
    const lookup = (at: number) => warm.use(new Date(now.getTime() + at), (s) => s.lookup('team/app:1.0'));
    expect(await lookup(0)).toMatchObject({ name: 'team/app:1.0' });
    let fail!: (error: Error) => void;
    store.hold = new Promise((_, reject) => (fail = reject));
    store.hold.catch(() => undefined);
    expect(await lookup(0.9 * HOUR)).toMatchObject({ name: 'team/app:1.0' }); // starts the refresh ahead
    await until(() => store.held === 1);
    fail(new InconclusiveError('store-unreadable', 'store unreachable'));
    await until(() => warm.status().refreshFailures === 1);
    expect(await lookup(0.95 * HOUR)).toMatchObject({ name: 'team/app:1.0' }); // still the current generation
    store.hold = undefined;
    expect(await lookup(HOUR + 1000)).toMatchObject({ name: 'team/app:1.0' });
    expect(warm.status()).toMatchObject({ refreshes: 2, refreshFailures: 1 });
    await warm.close();
  });

  it('does not hand a decision past the interval the old generation when the refresh it waited for fails', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    await fx.update(now, (repo) => addImage(repo, 'team/app', '1.0', fakeDigest('app')));
    const store = new HeldStore(fx.store);
    const warm = new WarmTrust({ store, pinnedRoot: fx.pinnedBytes, home: await fx.newHome() }, { refreshMs: HOUR, expiryMarginMs: 0, retryMs: 1000 });
    const lookup = (at: number) => warm.use(new Date(now.getTime() + at), (s) => s.lookup('team/app:1.0'));
    expect(await lookup(0)).toMatchObject({ name: 'team/app:1.0' });
    let fail!: (error: Error) => void;
    store.hold = new Promise((_, reject) => (fail = reject));
    store.hold.catch(() => undefined);
    expect(await lookup(0.9 * HOUR)).toMatchObject({ name: 'team/app:1.0' }); // starts the refresh ahead
    await until(() => store.held === 1);
    const due = lookup(HOUR + 1000); // past the interval: waits for that refresh
    fail(new InconclusiveError('store-unreadable', 'store unreachable')); // it fails, and so does the retry (the store still fails)
    expect(await caught(due)).toMatchObject({ kind: 'inconclusive', code: 'store-unreadable' }); // fails closed, not the old answer
    await warm.close();
  });
});
