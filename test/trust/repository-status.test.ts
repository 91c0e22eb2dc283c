import { afterEach, describe, expect, it } from 'vitest';
import { addImage, createFixture, DAY, fakeDigest, newSigner, type Fixture } from './repository-fixture.js';
import { repositoryStatus } from '../../src/trust/repository-status.js';
import { addDelegation } from '../../src/trust/delegations.js';
import { revokeKey } from '../../src/trust/key-revocation.js';

let fx: Fixture;
afterEach(async () => fx?.cleanup());
const H = 3600;

describe('status warnings at the horizon', () => {
  it('warns about the timestamp (1 day) within a 72h horizon, not within 12h', async () => {
    const now = new Date('2026-11-20T10:00:00Z');
    fx = await createFixture({ now });
    const repo = await fx.load();
    const wide = await repositoryStatus(repo, { now, horizonSeconds: 72 * H });
    expect(wide.healthy).toBe(false);
    expect(wide.roles.map((r) => [r.role, r.state])).toEqual([['root', 'ok'], ['timestamp', 'expiring'], ['snapshot', 'ok'], ['targets', 'ok']]);
    expect(wide.warnings).toEqual(['timestamp expires 2026-11-21T10:00:00Z (in 24h); run `signet timestamp` to refresh it']);
    const narrow = await repositoryStatus(repo, { now, horizonSeconds: 12 * H });
    expect(narrow).toMatchObject({ healthy: true, warnings: [] });
  });

  it('counts a role expiring exactly at the horizon as expiring', async () => {
    const now = new Date('2026-11-20T10:00:00Z');
    fx = await createFixture({ now });
    const status = await repositoryStatus(await fx.load(), { now, horizonSeconds: 24 * H });
    expect(status.roles.find((r) => r.role === 'timestamp')?.state).toBe('expiring');
    const before = await repositoryStatus(await fx.load(), { now, horizonSeconds: 24 * H - 1 });
    expect(before.roles.find((r) => r.role === 'timestamp')?.state).toBe('ok');
  });

  it('reports expired roles with the date and the fix', async () => {
    const then = new Date('2026-11-01T00:00:00Z');
    fx = await createFixture({ now: then });
    const status = await repositoryStatus(await fx.load(), { now: new Date(then.getTime() + 8 * DAY), horizonSeconds: 0 });
    expect(status.warnings).toEqual([
      'timestamp expired 2026-11-02T00:00:00Z; run `signet timestamp` to refresh it',
      'snapshot expired 2026-11-05T00:00:00Z; run `signet timestamp --role snapshot` to refresh it', // default snapshot lifetime: 4 days
    ]);
  });

  it('lists each role with version, keys and signers, including delegations and unverifiable ones', async () => {
    const now = new Date('2026-11-20T10:00:00Z');
    fx = await createFixture({ now });
    const key = await newSigner();
    fx.keyring.add(key);
    await fx.update(now, (repo) => addDelegation(repo, { name: 'app-ci', keys: [key.publicKey], paths: ['team/*'], threshold: 1, terminating: true }));
    let status = await repositoryStatus(await fx.load(), { now, horizonSeconds: 0 });
    expect(status.roles.at(-1)).toMatchObject({ role: 'app-ci', state: 'unpublished', version: 0 });
    await fx.update(now, (repo) => addImage(repo, 'team/app', '1', fakeDigest('x'), 'app-ci'));
    status = await repositoryStatus(await fx.load(), { now, horizonSeconds: 0 });
    expect(status.roles.find((r) => r.role === 'targets')).toMatchObject({ version: 2, keyIds: [fx.roleKeys.targets.keyId], signedBy: [fx.roleKeys.targets.keyId], threshold: 1 });
    expect(status.roles.at(-1)).toMatchObject({ role: 'app-ci', delegatedBy: 'targets', version: 1, signedBy: [key.keyId], state: 'ok' });
    await fx.update(now, (repo) => revokeKey(repo, key.keyId, { now, signers: fx.keyring.provider() }));
    status = await repositoryStatus(await fx.load(), { now, horizonSeconds: 0 });
    expect(status.roles.at(-1)).toMatchObject({ role: 'app-ci', state: 'unverifiable', keyIds: [] });
    expect(status.warnings[0]).toContain('signet key rotate app-ci');
  });
});
