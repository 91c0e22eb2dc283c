import { afterEach, describe, expect, it } from 'vitest';
import { addImage, createFixture, fakeDigest, newSigner, type Fixture } from './repository-fixture.js';
import { addDelegation, listDelegations, removeDelegation, withDigestPatterns } from '../../src/trust/delegations.js';
import { requireDelegatedPaths } from '../../src/trust/delegated-paths.js';
import { parseDetached, prepareDetached, publishDetached, serializeDetached, signDetached } from '../../src/trust/detached-role.js';
import { serialize } from '../../src/trust/trust-repository.js';
import { signEnvelope } from '../../src/metadata/signing.js';
import { sha256Hex } from '../../src/metadata/digest.js';
import { Keyring } from './repository-fixture.js';
import type { Signer } from '../../src/keys/signer.js';

let fx: Fixture;
afterEach(async () => fx?.cleanup());
const A = fakeDigest('a');
const B = fakeDigest('b');

async function withPipeline(now: Date, keys: Signer[], threshold = 1, terminating = false): Promise<void> {
  fx.keyring.add(...keys);
  await fx.update(now, (repo) =>
    addDelegation(repo, { name: 'pipeline', keys: keys.map((k) => k.publicKey), paths: withDigestPatterns(['team/app:*']), threshold, terminating }),
  );
}

describe('a delegation with path patterns', () => {
  it('lets the delegated role sign names that match, and verifiers find them through the delegation', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    await withPipeline(now, [await newSigner()]);
    await fx.update(now, async (repo) => {
      await requireDelegatedPaths(repo, 'pipeline', ['team/app:1.0', `team/app@sha256:${A}`]);
      await addImage(repo, 'team/app', '1.0', A, 'pipeline');
    });
    const [tag, digest] = await fx.verify(await fx.newHome(), ['team/app:1.0', `team/app@sha256:${A}`]);
    expect(tag?.hashes['sha256']).toBe(A);
    expect(digest?.hashes['sha256']).toBe(A);
    const list = await listDelegations(await fx.load());
    expect(list).toMatchObject([{ name: 'pipeline', delegator: 'targets', threshold: 1, version: 1, targets: 2, paths: ['team/app:*', 'team/app@sha256:*'] }]);
  });

  it('refuses to sign a name outside the patterns', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    await withPipeline(now, [await newSigner()]);
    const repo = await fx.load();
    await expect(requireDelegatedPaths(repo, 'pipeline', ['other/app:1.0'])).rejects.toMatchObject({ code: 'path-not-delegated' });
  });

  it('ignores a target the delegated role signs outside its patterns (arbitrary software attack)', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    await withPipeline(now, [await newSigner()]);
    await fx.update(now, async (repo) => {
      await addImage(repo, 'team/app', '1.0', A, 'pipeline');
      await addImage(repo, 'other/app', '1.0', B, 'pipeline'); // a compromised pipeline reaching out of its lane
    });
    const [inside, outside] = await fx.verify(await fx.newHome(), ['team/app:1.0', 'other/app:1.0']);
    expect(inside?.hashes['sha256']).toBe(A);
    expect(outside).toBeUndefined();
  });

  it('stops at a terminating delegation that does not sign the name', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    const first = await newSigner();
    const second = await newSigner();
    fx.keyring.add(first, second);
    await fx.update(now, async (repo) => {
      await addDelegation(repo, { name: 'gate', keys: [first.publicKey], paths: ['team/*'], threshold: 1, terminating: true });
      await addDelegation(repo, { name: 'fallback', keys: [second.publicKey], paths: ['team/*'], threshold: 1, terminating: false });
      await repo.role('gate');
      await addImage(repo, 'team/app', '1.0', A, 'fallback');
    });
    expect((await fx.verify(await fx.newHome(), ['team/app:1.0']))[0]).toBeUndefined();
  });
});

describe('removing a delegation', () => {
  it('stops its targets verifying, and a verifier that cached the old snapshot accepts the new one', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    await withPipeline(now, [await newSigner()]);
    await fx.update(now, (repo) => addImage(repo, 'team/app', '1.0', A, 'pipeline'));
    const home = await fx.newHome();
    expect((await fx.verify(home, ['team/app:1.0']))[0]?.hashes['sha256']).toBe(A);

    const removed = await fx.update(now, (repo) => removeDelegation(repo, 'pipeline'));
    expect(removed).toMatchObject({ name: 'pipeline', targets: 2 });
    expect((await fx.load()).snapshot.signed.meta['pipeline.json']).toMatchObject({ version: 1 }); // TUF 5.5.5
    expect((await fx.verify(home, ['team/app:1.0']))[0]).toBeUndefined();
  });

  it('re-creating it starts the role empty at a higher version', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    const key = await newSigner();
    await withPipeline(now, [key]);
    await fx.update(now, (repo) => addImage(repo, 'team/app', '1.0', A, 'pipeline'));
    const home = await fx.newHome();
    await fx.verify(home, ['team/app:1.0']);
    await fx.update(now, (repo) => removeDelegation(repo, 'pipeline'));
    await withPipeline(now, [key]);
    expect((await fx.load()).snapshot.signed.meta['pipeline.json']).toMatchObject({ version: 2 });
    expect((await fx.verify(home, ['team/app:1.0']))[0]).toBeUndefined();
    await fx.update(now, (repo) => addImage(repo, 'team/app', '2.0', B, 'pipeline'));
    expect((await fx.verify(home, ['team/app:2.0']))[0]?.hashes['sha256']).toBe(B);
  });
});

describe('a 2-of-2 delegated role signed on two machines', () => {
  it('is refused below its threshold and published once the second holder signs', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    const alice = await newSigner();
    const bob = await newSigner();
    await fx.update(now, (repo) => addDelegation(repo, { name: 'release', keys: [alice.publicKey, bob.publicKey], paths: withDigestPatterns(['team/app:*']), threshold: 2, terminating: true }));
    const aliceRing = new Keyring();
    aliceRing.add(alice);
    const bobRing = new Keyring();
    bobRing.add(bob);

    // Alice's machine: prepare with one signature.
    const repo = await fx.load();
    await addImage(repo, 'team/app', '1.0', A, 'release');
    const prepared = await prepareDetached(repo, 'release', { now, signers: aliceRing.provider() });
    let file = parseDetached(Buffer.from(serializeDetached(prepared)), 'release.detached.json');
    expect(file.signatures).toHaveLength(1);

    // Publishing now is refused: 1/2.
    await expect(fx.update(now, (r) => publishDetached(r, file, now))).rejects.toMatchObject({ code: 'below-threshold', kind: 'invalid' });

    // Bob's machine: sees what he signs, adds his signature.
    const summary = await signDetached(await fx.load(), file, bobRing.provider());
    expect(summary.added).toEqual(['team/app:1.0', `team/app@sha256:${A}`]);
    expect(summary.signatures.valid).toHaveLength(2);
    file = parseDetached(Buffer.from(serializeDetached(file)), 'release.detached.json');
    const home = await fx.newHome();
    await fx.update(now, (r) => publishDetached(r, file, now));
    expect((await fx.verify(home, ['team/app:1.0']))[0]?.hashes['sha256']).toBe(A);

    // The same file again is stale.
    await expect(fx.update(now, (r) => publishDetached(r, file, now))).rejects.toMatchObject({ code: 'stale-detached' });
  });

  it('refuses to add a signature to a file whose content was changed after signing', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    const alice = await newSigner();
    const bob = await newSigner();
    await fx.update(now, (repo) => addDelegation(repo, { name: 'release', keys: [alice.publicKey, bob.publicKey], paths: ['team/*'], threshold: 2, terminating: true }));
    const ring = new Keyring();
    ring.add(alice);
    const file = await prepareDetached(await fx.load(), 'release', { now, signers: ring.provider() });
    file.signed.targets['team/evil:1'] = { length: 1, hashes: { sha256: B } };
    const bobRing = new Keyring();
    bobRing.add(bob);
    await expect(signDetached(await fx.load(), file, bobRing.provider())).rejects.toMatchObject({ code: 'bad-signature' });
  });

  it('a verifier refuses a delegated role file carrying fewer signatures than the threshold', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    const alice = await newSigner();
    const bob = await newSigner();
    fx.keyring.add(alice, bob);
    await fx.update(now, async (repo) => {
      await addDelegation(repo, { name: 'release', keys: [alice.publicKey, bob.publicKey], paths: ['team/*'], threshold: 2, terminating: true });
      await addImage(repo, 'team/app', '1.0', A, 'release');
    });
    // An attacker with only Alice's key and the online snapshot/timestamp keys publishes a new release role.
    const repo = await fx.load();
    const role = structuredClone(await repo.role('release'));
    role.signed.version += 1;
    role.signed.targets['team/app:1.0'] = { length: 100, hashes: { sha256: B } };
    await signEnvelope(role, [alice]);
    await fx.store.put(`${role.signed.version}.release.json`, serialize(role));
    repo.snapshot.signed.meta['release.json'] = { version: role.signed.version };
    repo.snapshot.signed.version += 1;
    await signEnvelope(repo.snapshot, [fx.roleKeys.snapshot]);
    const snapBytes = serialize(repo.snapshot);
    await fx.store.put(`${repo.snapshot.signed.version}.snapshot.json`, snapBytes);
    repo.timestamp.signed.version += 1;
    repo.timestamp.signed.meta['snapshot.json'] = { version: repo.snapshot.signed.version, length: snapBytes.length, hashes: { sha256: sha256Hex(snapBytes) } };
    await signEnvelope(repo.timestamp, [fx.roleKeys.timestamp]);
    await fx.store.put('timestamp.json', serialize(repo.timestamp));

    const error = await fx.verify(await fx.newHome(), ['team/app:1.0']).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid', code: 'bad-signature' });
    expect((error as Error).message).toContain('release was signed by 1/2 keys');
  });
});

describe('a delegation added but never published', () => {
  it('makes verification of the names it covers fail with a message naming the fix', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    const key = await newSigner(); // held elsewhere: not in this keyring
    await fx.update(now, (repo) => addDelegation(repo, { name: 'app-ci', keys: [key.publicKey], paths: ['team/*'], threshold: 1, terminating: true }));
    const error = await fx.verify(await fx.newHome(), ['team/app:1']).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid', code: 'unpublished-role' });
    expect((error as Error).message).toContain('signet sign --role');
  });
});

describe('a delegation made by a delegated role', () => {
  it('is walked by verifiers through both levels, within both levels of patterns', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    const team = await newSigner();
    const ci = await newSigner();
    fx.keyring.add(team, ci);
    await fx.update(now, async (repo) => {
      await addDelegation(repo, { name: 'team', keys: [team.publicKey], paths: ['team/*'], threshold: 1, terminating: true });
      await repo.role('team');
    });
    await fx.update(now, async (repo) => {
      await addDelegation(repo, { name: 'app-ci', keys: [ci.publicKey], paths: withDigestPatterns(['team/app:*']), threshold: 1, terminating: true, delegator: 'team' });
      await requireDelegatedPaths(repo, 'app-ci', ['team/app:1.0']);
      await addImage(repo, 'team/app', '1.0', A, 'app-ci');
    });
    expect((await listDelegations(await fx.load())).map((d) => [d.name, d.delegator])).toEqual([['team', 'targets'], ['app-ci', 'team']]);
    expect((await fx.verify(await fx.newHome(), ['team/app:1.0']))[0]?.hashes['sha256']).toBe(A);
  });
});
