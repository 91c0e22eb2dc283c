import { afterEach, describe, expect, it } from 'vitest';
import { addImage, createFixture, fakeDigest, newSigner, type Fixture } from './repository-fixture.js';
import { addDelegation, withDigestPatterns } from '../../src/trust/delegations.js';
import { revokeTargets } from '../../src/trust/revoke-targets.js';
import { notSignedError } from '../../src/verify/not-signed-error.js';
import { withTrustSession } from '../../src/verify/trust-session.js';
import { SignetError } from '../../src/errors.js';

let fx: Fixture;
afterEach(async () => fx?.cleanup());

const A = fakeDigest('app-1');
const B = fakeDigest('app-2');

async function seed(now: Date): Promise<void> {
  await fx.update(now, async (repo) => {
    await addImage(repo, 'team/app', '1.0', A);
    await addImage(repo, 'team/app', 'stable', A);
    await addImage(repo, 'team/app', '2.0', B);
    await addImage(repo, 'team/other', 'latest', A);
  });
}

async function explain(home: string, target: string): Promise<SignetError> {
  return withTrustSession({ store: fx.store, pinnedRoot: fx.pinnedBytes, home }, async (session) => {
    expect(await session.lookup(target)).toBeUndefined();
    return notSignedError(session, target);
  });
}

describe('revoking a tag', () => {
  it('removes the tag so a verifier that had cached it refuses it and says since when', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    await seed(now);
    const home = await fx.newHome();
    expect((await fx.verify(home, ['team/app:2.0']))[0]?.hashes['sha256']).toBe(B);

    const revoked = await fx.update(now, (repo) => revokeTargets(repo, [{ kind: 'tag', name: 'team/app', tag: '2.0' }], { now, reason: 'bad build' }));
    expect(revoked.map((r) => r.target)).toEqual(['team/app:2.0', `team/app@sha256:${B}`]);

    const error = await explain(home, 'team/app:2.0');
    expect(error.code).toBe('revoked');
    expect(error.kind).toBe('invalid');
    expect(error.message).toContain('no longer signed');
    expect(error.message).toContain(now.toISOString().slice(0, 19));
    expect(error.message).toContain('bad build');
  });

  it('keeps the digest target while another tag still points at it', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    await seed(now);
    const revoked = await fx.update(now, (repo) => revokeTargets(repo, [{ kind: 'tag', name: 'team/app', tag: '1.0' }], { now }));
    expect(revoked.map((r) => r.target)).toEqual(['team/app:1.0']);
    const [stable, byDigest, gone] = await fx.verify(await fx.newHome(), ['team/app:stable', `team/app@sha256:${A}`, 'team/app:1.0']);
    expect(stable?.hashes['sha256']).toBe(A);
    expect(byDigest?.hashes['sha256']).toBe(A);
    expect(gone).toBeUndefined();
  });

  it('refuses a tag that is not signed and publishes nothing', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    await seed(now);
    const before = (await fx.load()).timestamp.signed.version;
    await expect(
      fx.update(now, (repo) => revokeTargets(repo, [{ kind: 'tag', name: 'team/app', tag: '2.0' }, { kind: 'tag', name: 'team/app', tag: 'nope' }], { now })),
    ).rejects.toMatchObject({ code: 'not-signed', kind: 'usage' });
    const repo = await fx.load();
    expect(repo.timestamp.signed.version).toBe(before);
    expect(Object.keys(repo.targets.signed.targets)).toContain('team/app:2.0');
  });
});

describe('revoking a digest', () => {
  it('removes every target pointing at it, whatever its name or tag, in one publish', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    await seed(now);
    const home = await fx.newHome();
    await fx.verify(home, ['team/app:1.0']);
    const before = (await fx.load()).timestamp.signed.version;

    const revoked = await fx.update(now, (repo) => revokeTargets(repo, [{ kind: 'digest', digest: `sha256:${A}` }], { now }));
    expect(revoked.map((r) => r.target)).toEqual(['team/app:1.0', `team/app:stable`, `team/app@sha256:${A}`, 'team/other:latest', `team/other@sha256:${A}`].sort());
    const repo = await fx.load();
    expect(repo.timestamp.signed.version).toBe(before + 1);
    expect(repo.snapshot.signed.version).toBeGreaterThan(1);

    const results = await fx.verify(home, ['team/app:1.0', 'team/app:stable', 'team/other:latest', 'team/app:2.0']);
    expect(results.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(results[3]?.hashes['sha256']).toBe(B);
    expect((await explain(home, `team/other@sha256:${A}`)).code).toBe('revoked');
  });

  it('also removes the platform manifests an index listed, unless another tag still uses them', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    const index = fakeDigest('index');
    const amd = fakeDigest('amd64');
    const arm = fakeDigest('arm64');
    const custom = { mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ digest: `sha256:${amd}` }, { digest: `sha256:${arm}` }] };
    await fx.update(now, async (repo) => {
      await addImage(repo, 'team/multi', '1', index, undefined, custom);
      await repo.addTarget({ name: `team/multi@sha256:${amd}`, length: 10, sha256: amd });
      await repo.addTarget({ name: `team/multi@sha256:${arm}`, length: 10, sha256: arm });
      await addImage(repo, 'team/multi', 'arm-only', arm);
    });
    const revoked = await fx.update(now, (repo) => revokeTargets(repo, [{ kind: 'digest', digest: `sha256:${index}` }], { now }));
    expect(revoked.map((r) => r.target).sort()).toEqual([`team/multi:1`, `team/multi@sha256:${index}`, `team/multi@sha256:${amd}`].sort());
  });

  it('refuses a malformed digest', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    await expect(fx.update(now, (repo) => revokeTargets(repo, [{ kind: 'digest', digest: 'sha256:abc' }], { now }))).rejects.toMatchObject({ code: 'bad-digest' });
  });
});

describe('signing a revoked tag again', () => {
  it('clears its revocation record', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    await seed(now);
    await fx.update(now, (repo) => revokeTargets(repo, [{ kind: 'tag', name: 'team/app', tag: '2.0' }], { now }));
    expect(Object.keys((await fx.load()).targets.signed['x-signet-revoked'] as object)).toContain('team/app:2.0');
    await fx.update(now, (repo) => addImage(repo, 'team/app', '2.0', B));
    expect(Object.keys((await fx.load()).targets.signed['x-signet-revoked'] as object)).not.toContain('team/app:2.0');
  });
});

describe('revoking a tag a delegated role signed', () => {
  it('records the revocation in that role, and verify reads it there', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    const key = await newSigner();
    fx.keyring.add(key);
    await fx.update(now, async (repo) => {
      await addDelegation(repo, { name: 'app-ci', keys: [key.publicKey], paths: withDigestPatterns(['team/app:*']), threshold: 1, terminating: true });
      await addImage(repo, 'team/app', '1.0', A, 'app-ci');
    });
    const home = await fx.newHome();
    await fx.verify(home, ['team/app:1.0']);
    const revoked = await fx.update(now, (repo) => revokeTargets(repo, [{ kind: 'tag', name: 'team/app', tag: '1.0' }], { now, reason: 'pipeline says so' }));
    expect(revoked.every((r) => r.role === 'app-ci')).toBe(true);
    const error = await explain(home, 'team/app:1.0');
    expect(error.message).toMatch(/no longer signed: revoked .* \(pipeline says so\) by role app-ci/);
  });
});
