// A warm trust session (kept open by the admission server) never decides
// from metadata that expired while it was open: each decision checks every
// trusted role's expiry against the decision's own reference time.

import { afterEach, describe, expect, it } from 'vitest';
import { addImage, createFixture, fakeDigest, newSigner, type Fixture } from '../trust/repository-fixture.js';
import { addDelegation } from '../../src/trust/delegations.js';
import { WarmTrust } from '../../src/admission/warm-trust.js';
import { caught } from '../support/caught.js';

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
