import { afterEach, describe, expect, it } from 'vitest';
import { addImage, createFixture, DAY, fakeDigest, newSigner, type Fixture } from './repository-fixture.js';
import { refreshMetadata } from '../../src/trust/freshness.js';
import { addDelegation, withDigestPatterns } from '../../src/trust/delegations.js';

// tuf-js judges expiry against the real clock, so these tests publish metadata
// with past reference times instead of waiting.
let fx: Fixture;
afterEach(async () => fx?.cleanup());
const A = fakeDigest('a');

async function signedAt(at: Date): Promise<void> {
  fx = await createFixture({ now: at });
  await fx.update(at, (repo) => addImage(repo, 'team/app', '1.0', A));
}

async function resignOnly(now: Date, roles: string[]): Promise<void> {
  await fx.update(now, async (repo) => {
    for (const role of roles) repo.markDirty(role);
  });
}

describe('an expired timestamp', () => {
  it('fails verification naming the role, the date and the fix; `signet timestamp` makes it verify again', async () => {
    const now = new Date();
    await signedAt(new Date(now.getTime() - 2 * DAY));
    const expires = (await fx.load()).timestamp.signed.expires;
    const home = await fx.newHome();
    const error = await fx.verify(home, ['team/app:1.0']).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid', code: 'expired' });
    expect((error as Error).message).toContain(`timestamp expired ${expires}`);
    expect((error as Error).message).toContain('run `signet timestamp` to refresh it');

    const plan = await fx.update(now, (repo) => refreshMetadata(repo, { now, signers: fx.keyring.provider(), snapshotWithinSeconds: 0 }));
    expect(plan.resigned).toEqual(['timestamp']);
    const repo = await fx.load();
    expect(Date.parse(repo.timestamp.signed.expires)).toBeGreaterThan(now.getTime() + DAY - 5000);
    expect((await fx.verify(home, ['team/app:1.0']))[0]?.hashes['sha256']).toBe(A);
  });
});

describe('a snapshot near expiry', () => {
  it('is re-signed by the timestamp refresh when within the horizon, and left alone otherwise', async () => {
    const now = new Date();
    await signedAt(new Date(now.getTime() - 2 * DAY)); // snapshot (4d) has 2 days left
    const before = await fx.load();
    const far = await fx.update(now, (repo) => refreshMetadata(repo, { now, signers: fx.keyring.provider(), snapshotWithinSeconds: 86400 }));
    expect(far.resigned).toEqual(['timestamp']);
    expect((await fx.load()).snapshot.signed.version).toBe(before.snapshot.signed.version);

    const near = await fx.update(now, (repo) => refreshMetadata(repo, { now, signers: fx.keyring.provider(), snapshotWithinSeconds: 3 * 86400 }));
    expect(near.resigned).toEqual(['snapshot', 'timestamp']);
    const after = await fx.load();
    expect(after.snapshot.signed.version).toBe(before.snapshot.signed.version + 1);
    expect(Date.parse(after.snapshot.signed.expires)).toBeGreaterThan(now.getTime() + 3 * DAY);
    expect((await fx.verify(await fx.newHome(), ['team/app:1.0']))[0]?.hashes['sha256']).toBe(A);
  });
});

describe('an expired snapshot', () => {
  it('fails verification with the snapshot fix', async () => {
    const now = new Date();
    await signedAt(new Date(now.getTime() - 8 * DAY));
    await resignOnly(now, ['timestamp']);
    const error = await fx.verify(await fx.newHome(), ['team/app:1.0']).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid', code: 'expired' });
    expect((error as Error).message).toMatch(/^snapshot expired \d{4}-\d\d-\d\dT.*run `signet timestamp --role snapshot`/);
  });
});

describe('an expired targets role', () => {
  it('fails verification naming targets, and re-signing targets fixes it', async () => {
    const now = new Date();
    await signedAt(new Date(now.getTime() - 91 * DAY));
    await resignOnly(now, ['snapshot']);
    const home = await fx.newHome();
    const error = await fx.verify(home, ['team/app:1.0']).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid', code: 'expired' });
    expect((error as Error).message).toMatch(/^targets expired .*`signet timestamp --role targets`/);
    await fx.update(now, (repo) => refreshMetadata(repo, { now, signers: fx.keyring.provider(), roles: ['targets'] }));
    expect((await fx.verify(home, ['team/app:1.0']))[0]?.hashes['sha256']).toBe(A);
  });

  it('names an expired delegated role', async () => {
    const now = new Date();
    const then = new Date(now.getTime() - 91 * DAY);
    fx = await createFixture({ now: then });
    const key = await newSigner();
    fx.keyring.add(key);
    await fx.update(then, async (repo) => {
      await addDelegation(repo, { name: 'app-ci', keys: [key.publicKey], paths: withDigestPatterns(['team/app:*']), threshold: 1, terminating: true });
      await addImage(repo, 'team/app', '1.0', A, 'app-ci');
    });
    await resignOnly(now, ['targets']);
    const error = await fx.verify(await fx.newHome(), ['team/app:1.0']).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^app-ci expired .*`signet timestamp --role app-ci`/);
  });
});

describe('an expired root', () => {
  it('fails verification naming root, and a refreshed root version fixes it', async () => {
    const now = new Date();
    await signedAt(new Date(now.getTime() - 366 * DAY));
    await resignOnly(now, ['targets']);
    const home = await fx.newHome();
    const error = await fx.verify(home, ['team/app:1.0']).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid', code: 'expired' });
    expect((error as Error).message).toMatch(/^root expired.*root key holders/);
    const plan = await fx.update(now, (repo) => refreshMetadata(repo, { now, signers: fx.keyring.provider(), roles: ['root'] }));
    expect(plan.rootVersion).toBe(2);
    expect((await fx.verify(home, ['team/app:1.0']))[0]?.hashes['sha256']).toBe(A);
  });
});
