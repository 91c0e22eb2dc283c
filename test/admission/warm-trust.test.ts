// A warm trust session (kept open by the admission server) never decides
// from metadata that expired while it was open: each decision checks every
// trusted role's expiry against the decision's own reference time.

import { afterEach, describe, expect, it } from 'vitest';
import { addImage, createFixture, fakeDigest, type Fixture } from '../trust/repository-fixture.js';
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
