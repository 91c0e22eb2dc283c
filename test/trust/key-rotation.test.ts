import { afterEach, describe, expect, it } from 'vitest';
import { addImage, createFixture, fakeDigest, forge, newSigner, type Fixture } from './repository-fixture.js';
import { rotateRoleKeys } from '../../src/trust/key-rotation.js';
import type { RoleType } from '../../src/metadata/types.js';
import { serialize } from '../../src/trust/trust-repository.js';
import { signEnvelope } from '../../src/metadata/signing.js';
import { nextRoot } from '../../src/trust/next-root.js';
import { addDelegation, withDigestPatterns } from '../../src/trust/delegations.js';

let fx: Fixture;
afterEach(async () => fx?.cleanup());
const A = fakeDigest('a');
const EVIL = fakeDigest('evil');

/** Repository with one image and a verifier that has cached everything. */
async function cachedVerifier(now: Date): Promise<string> {
  fx = await createFixture({ now });
  await fx.update(now, (repo) => addImage(repo, 'team/app', '1.0', A));
  const home = await fx.newHome();
  expect((await fx.verify(home, ['team/app:1.0']))[0]?.hashes['sha256']).toBe(A);
  return home;
}

async function rotate(now: Date, role: RoleType) {
  const old = fx.roleKeys[role];
  const fresh = await newSigner();
  fx.keyring.add(fresh);
  const result = await fx.update(now, (repo) => rotateRoleKeys(repo, role, { add: [fresh.publicKey], remove: [old.keyId] }, { now, signers: fx.keyring.provider() }));
  return { old, fresh, result };
}

describe.each(['targets', 'snapshot', 'timestamp'] as const)('rotating the %s key', (role) => {
  it('publishes a new root, and a verifier that cached metadata signed by the old key recovers', async () => {
    const now = new Date();
    const home = await cachedVerifier(now);
    const { result, fresh } = await rotate(now, role);
    expect(result).toMatchObject({ changedIn: 'root', rootVersion: 2, keyIds: [fresh.keyId] });
    const repo = await fx.load();
    expect(repo.root.signed.version).toBe(2);
    expect((await fx.verify(home, ['team/app:1.0']))[0]?.hashes['sha256']).toBe(A);
    expect((await fx.verify(await fx.newHome(), ['team/app:1.0']))[0]?.hashes['sha256']).toBe(A);
  });

  it('no longer counts signatures by the old key (revoked key)', async () => {
    const now = new Date();
    const home = await cachedVerifier(now);
    const { old } = await rotate(now, role);
    await fx.verify(home, ['team/app:1.0']);
    // The holder of the old key publishes a new version of the role with a tampered target.
    const keys = { ...fx.roleKeys, [role]: old };
    // Roles other than the rotated one are signed with their current (legitimate) keys.
    await forge(fx, {
      ...(role === 'targets' ? { role: { name: 'targets', signers: [old], edit: (t) => void (t['team/app:1.0'] = { length: 100, hashes: { sha256: EVIL } }) } } : {}),
      snapshotSigners: [keys.snapshot],
      timestampSigners: [keys.timestamp],
    });
    await expect(fx.verify(home, ['team/app:1.0'])).rejects.toMatchObject({ kind: 'invalid', code: 'bad-signature' });
  });
});

describe('rotating the root key', () => {
  it('cross-signs the new root with the old and new keys, and a verifier pinned to v1 follows it', async () => {
    const now = new Date();
    const home = await cachedVerifier(now);
    const { fresh, old } = await rotate(now, 'root');
    const repo = await fx.load();
    expect(repo.root.signed.roles['root']?.keyids).toEqual([fresh.keyId]);
    expect(repo.root.signatures.map((s) => s.keyid).sort()).toEqual([old.keyId, fresh.keyId].sort());
    expect((await fx.verify(home, ['team/app:1.0']))[0]?.hashes['sha256']).toBe(A);
    expect((await fx.verify(await fx.newHome(), ['team/app:1.0']))[0]?.hashes['sha256']).toBe(A);
  });

  it('refuses a root v3 signed only by the old root key', async () => {
    const now = new Date();
    const home = await cachedVerifier(now);
    const { old } = await rotate(now, 'root');
    const repo = await fx.load();
    const evil = nextRoot(repo.root, now, (signed) => {
      signed.roles['root'] = { keyids: [old.keyId], threshold: 1 };
      signed.keys[old.keyId] = old.publicKey;
    });
    await signEnvelope(evil, [old]);
    await fx.store.put('3.root.json', serialize(evil));
    await expect(fx.verify(home, ['team/app:1.0'])).rejects.toMatchObject({ kind: 'invalid' });
  });

  it('names the missing root key when this keystore cannot sign the new root', async () => {
    const now = new Date();
    await cachedVerifier(now);
    fx.keyring.remove(fx.roleKeys.root.keyId);
    await expect(rotate(now, 'targets')).rejects.toMatchObject({ code: 'missing-signing-key', kind: 'usage' });
    expect((await fx.load()).root.signed.version).toBe(1);
  });
});

describe('fast-forward recovery after a timestamp key compromise', () => {
  it('a verifier that was fed timestamp v1000 by the old key accepts the real one after rotation', async () => {
    const now = new Date();
    const home = await cachedVerifier(now);
    // The thief of the timestamp key feeds this verifier a far-future version…
    const real = await forge(fx, { snapshotSigners: [fx.roleKeys.snapshot], timestampSigners: [fx.roleKeys.timestamp], timestampVersion: 1000 });
    await fx.verify(home, ['team/app:1.0']);
    // …then the store is restored: the verifier is stuck (rollback protection).
    await fx.store.put('timestamp.json', real);
    await expect(fx.verify(home, ['team/app:1.0'])).rejects.toMatchObject({ code: 'rollback' });
    // Rotating the timestamp key (TUF 5.3.11) lets it recover.
    await rotate(now, 'timestamp');
    expect((await fx.verify(home, ['team/app:1.0']))[0]?.hashes['sha256']).toBe(A);
  });
});

describe('fast-forward recovery after a snapshot and timestamp key compromise', () => {
  it('a verifier fed snapshot v1000 and timestamp v1000 by the old keys recovers once both keys are rotated', async () => {
    const now = new Date();
    const home = await cachedVerifier(now);
    const repo = await fx.load();
    const realSnapshot = repo.snapshot.signed.version;
    // Forge snapshot v1000 (and a timestamp v1000 pointing at it) with the stolen keys.
    const real = await forge(fx, { snapshotSigners: [fx.roleKeys.snapshot], timestampSigners: [fx.roleKeys.timestamp], timestampVersion: 1000 });
    const forged = await fx.load();
    forged.snapshot.signed.version = 1000;
    await signEnvelope(forged.snapshot, [fx.roleKeys.snapshot]);
    const snapBytes = serialize(forged.snapshot);
    await fx.store.put('1000.snapshot.json', snapBytes);
    forged.timestamp.signed.version = 1001;
    forged.timestamp.signed.meta['snapshot.json'] = { version: 1000, length: snapBytes.length, hashes: { sha256: (await import('../../src/metadata/digest.js')).sha256Hex(snapBytes) } };
    await signEnvelope(forged.timestamp, [fx.roleKeys.timestamp]);
    await fx.store.put('timestamp.json', serialize(forged.timestamp));
    await fx.verify(home, ['team/app:1.0']);
    await fx.store.put('timestamp.json', real);
    await expect(fx.verify(home, ['team/app:1.0'])).rejects.toMatchObject({ code: 'rollback' });
    await rotate(now, 'snapshot');
    await expect(fx.verify(home, ['team/app:1.0'])).rejects.toMatchObject({ code: 'rollback' }); // the timestamp key is still the stolen one
    await rotate(now, 'timestamp');
    // Past the real version; the forger's leftover N.snapshot.json files are skipped, never overwritten (docs/concurrency.md).
    expect((await fx.load()).snapshot.signed.version).toBeGreaterThan(realSnapshot);
    expect((await fx.verify(home, ['team/app:1.0']))[0]?.hashes['sha256']).toBe(A);
  });
});

describe('rotating a delegated role key', () => {
  it('re-signs the role with the new key (targets kept); a cached verifier follows; the old key no longer counts', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    const old = await newSigner();
    fx.keyring.add(old);
    await fx.update(now, async (repo) => {
      await addDelegation(repo, { name: 'app-ci', keys: [old.publicKey], paths: withDigestPatterns(['team/app:*']), threshold: 1, terminating: true });
      await addImage(repo, 'team/app', '1.0', A, 'app-ci');
    });
    const home = await fx.newHome();
    expect((await fx.verify(home, ['team/app:1.0']))[0]?.hashes['sha256']).toBe(A);
    const fresh = await newSigner();
    fx.keyring.add(fresh);
    const result = await fx.update(now, (repo) => rotateRoleKeys(repo, 'app-ci', { add: [fresh.publicKey], remove: [old.keyId] }, { now, signers: fx.keyring.provider() }));
    expect(result).toMatchObject({ changedIn: 'targets', keyIds: [fresh.keyId], restarted: false });
    expect((await fx.verify(home, ['team/app:1.0']))[0]?.hashes['sha256']).toBe(A);
    await forge(fx, {
      role: { name: 'app-ci', signers: [old], edit: (t) => void (t['team/app:1.0'] = { length: 100, hashes: { sha256: EVIL } }) },
      snapshotSigners: [fx.roleKeys.snapshot],
      timestampSigners: [fx.roleKeys.timestamp],
    });
    await expect(fx.verify(home, ['team/app:1.0'])).rejects.toMatchObject({ kind: 'invalid', code: 'bad-signature' });
  });
});
