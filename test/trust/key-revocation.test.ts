import { afterEach, describe, expect, it } from 'vitest';
import { addImage, createFixture, fakeDigest, forge, newSigner, type Fixture } from './repository-fixture.js';
import { addDelegation, withDigestPatterns } from '../../src/trust/delegations.js';
import { revokeKey } from '../../src/trust/key-revocation.js';
import { rotateRoleKeys } from '../../src/trust/key-rotation.js';
import { revokeTargets } from '../../src/trust/revoke-targets.js';
import { withTrustSession } from '../../src/verify/trust-session.js';
import { notSignedError } from '../../src/verify/not-signed-error.js';
import { SignetError } from '../../src/errors.js';
import type { Signer } from '../../src/keys/signer.js';

let fx: Fixture;
afterEach(async () => fx?.cleanup());
const APP1 = fakeDigest('app-1');
const APP2 = fakeDigest('app-2');
const WEB = fakeDigest('web');
const BASE = fakeDigest('base');
const EVIL = fakeDigest('evil');

/** targets signs base/os; delegation `app-ci` signs team/app, `web-ci` signs team/web. */
async function organisation(now: Date): Promise<{ appKey: Signer; webKey: Signer }> {
  fx = await createFixture({ now });
  const appKey = await newSigner();
  const webKey = await newSigner();
  fx.keyring.add(appKey, webKey);
  await fx.update(now, async (repo) => {
    await addDelegation(repo, { name: 'app-ci', keys: [appKey.publicKey], paths: withDigestPatterns(['team/app:*']), threshold: 1, terminating: true });
    await addDelegation(repo, { name: 'web-ci', keys: [webKey.publicKey], paths: withDigestPatterns(['team/web:*']), threshold: 1, terminating: true });
    await addImage(repo, 'base/os', '12', BASE);
  });
  await fx.update(now, async (repo) => {
    await addImage(repo, 'team/app', '1.0', APP1, 'app-ci');
    await addImage(repo, 'team/app', '2.0', APP2, 'app-ci');
    await addImage(repo, 'team/web', '1.0', WEB, 'web-ci');
  });
  return { appKey, webKey };
}

/** What `signet verify` decides for each name: the digest, or the refusal. */
async function verdicts(home: string, names: string[]): Promise<Array<string | SignetError>> {
  return withTrustSession({ store: fx.store, pinnedRoot: fx.pinnedBytes, home }, async (session) => {
    const out: Array<string | SignetError> = [];
    for (const name of names) {
      try {
        const info = await session.lookup(name);
        out.push(info ? info.hashes['sha256']! : await notSignedError(session, name));
      } catch (error) {
        out.push(await notSignedError(session, name, error as SignetError));
      }
    }
    return out;
  });
}

describe('revoking a delegation key', () => {
  it('makes every image the key signed fail verification, with the reason, while other images still verify', async () => {
    const now = new Date();
    const { appKey } = await organisation(now);
    const home = await fx.newHome();
    expect(await verdicts(home, ['team/app:1.0', 'team/web:1.0'])).toEqual([APP1, WEB]);

    const result = await fx.update(now, (repo) => revokeKey(repo, appKey.keyId, { now, signers: fx.keyring.provider() }));
    expect(result.delegated).toEqual([{ role: 'app-ci', delegator: 'targets', stillVerifies: false, revokedTargets: ['team/app:1.0', 'team/app:2.0', `team/app@sha256:${APP1}`, `team/app@sha256:${APP2}`].sort() }]);

    const [app1, app2, web, base] = await verdicts(home, ['team/app:1.0', `team/app@sha256:${APP2}`, 'team/web:1.0', 'base/os:12']);
    for (const refused of [app1, app2]) {
      expect(refused).toMatchObject({ kind: 'invalid', code: 'revoked' });
      expect((refused as Error).message).toMatch(/no longer signed: revoked .*signed by revoked key/);
    }
    expect([web, base]).toEqual([WEB, BASE]);
  });

  it('refuses new metadata signed by the revoked key (revoked key attack)', async () => {
    const now = new Date();
    const { appKey } = await organisation(now);
    await fx.update(now, (repo) => revokeKey(repo, appKey.keyId, { now, signers: fx.keyring.provider() }));
    await forge(fx, {
      role: { name: 'app-ci', signers: [appKey], edit: (t) => void (t['team/app:3.0'] = { length: 1, hashes: { sha256: EVIL } }) },
      snapshotSigners: [fx.roleKeys.snapshot],
      timestampSigners: [fx.roleKeys.timestamp],
    });
    const [evil] = await verdicts(await fx.newHome(), ['team/app:3.0']);
    expect(evil).toMatchObject({ kind: 'invalid', code: 'bad-signature' });
    expect((evil as Error).message).toContain('app-ci was signed by 0/1');
  });

  it('a new key restarts the role empty, so only images signed again verify', async () => {
    const now = new Date();
    const { appKey } = await organisation(now);
    await fx.update(now, (repo) => revokeKey(repo, appKey.keyId, { now, signers: fx.keyring.provider() }));
    const replacement = await newSigner();
    fx.keyring.add(replacement);
    const rotated = await fx.update(now, (repo) => rotateRoleKeys(repo, 'app-ci', { add: [replacement.publicKey], remove: [] }, { now, signers: fx.keyring.provider() }));
    expect(rotated.restarted).toBe(true);
    await fx.update(now, (repo) => addImage(repo, 'team/app', '2.0', APP2, 'app-ci'));
    const [app1, app2] = await verdicts(await fx.newHome(), ['team/app:1.0', 'team/app:2.0']);
    expect(app1).toMatchObject({ code: 'revoked' });
    expect(app2).toBe(APP2);
  });

  it('keeps a 2-of-3 role verifying when its remaining signatures still meet the threshold', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    const keys = [await newSigner(), await newSigner(), await newSigner()];
    fx.keyring.add(...keys);
    await fx.update(now, (repo) => addDelegation(repo, { name: 'rel', keys: keys.map((k) => k.publicKey), paths: ['team/*'], threshold: 2, terminating: true }));
    await fx.update(now, (repo) => addImage(repo, 'team/app', '1.0', APP1, 'rel'));
    const result = await fx.update(now, (repo) => revokeKey(repo, keys[2]!.keyId, { now, signers: fx.keyring.provider() }));
    expect(result.delegated[0]).toMatchObject({ stillVerifies: true, revokedTargets: [] });
    expect(await verdicts(await fx.newHome(), ['team/app:1.0'])).toEqual([APP1]);
  });
});

describe('revoking a top-level key', () => {
  it('is refused when it would leave the role unable to sign', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    await expect(fx.update(now, (repo) => revokeKey(repo, fx.roleKeys.snapshot.keyId, { now, signers: fx.keyring.provider() }))).rejects.toMatchObject({ code: 'would-break-role' });
  });

  it('removes one of two targets keys in a new root', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    const second = await newSigner();
    fx.keyring.add(second);
    await fx.update(now, (repo) => rotateRoleKeys(repo, 'targets', { add: [second.publicKey], remove: [] }, { now, signers: fx.keyring.provider() }));
    const home = await fx.newHome();
    await fx.update(now, (repo) => addImage(repo, 'base/os', '12', BASE));
    const result = await fx.update(now, (repo) => revokeKey(repo, fx.roleKeys.targets.keyId, { now, signers: fx.keyring.provider() }));
    expect(result).toMatchObject({ topLevel: ['targets'], rootVersion: 3 });
    expect(await verdicts(home, ['base/os:12'])).toEqual([BASE]);
  });
});

describe('when a pipeline key is compromised (the playbook)', () => {
  it('one command revokes the key and everything it signed; a second revokes an image by digest wherever it is signed', async () => {
    const now = new Date();
    const { appKey } = await organisation(now);
    // The attacker also got the compromised image signed at top level under another name.
    await fx.update(now, (repo) => addImage(repo, 'base/os', 'debug', APP2));
    const deploy = await fx.newHome();
    expect(await verdicts(deploy, ['team/app:2.0', 'base/os:debug', 'team/web:1.0', 'base/os:12'])).toEqual([APP2, APP2, WEB, BASE]);

    await fx.update(now, (repo) => revokeKey(repo, appKey.keyId, { now, signers: fx.keyring.provider() }));
    await fx.update(now, (repo) => revokeTargets(repo, [{ kind: 'digest', digest: `sha256:${APP2}` }], { now, reason: 'compromised pipeline' }));

    const [app, debug, web, base] = await verdicts(deploy, ['team/app:2.0', 'base/os:debug', 'team/web:1.0', 'base/os:12']);
    expect(app).toMatchObject({ code: 'revoked', kind: 'invalid' });
    expect(debug).toMatchObject({ code: 'revoked', kind: 'invalid' });
    expect((debug as Error).message).toContain('compromised pipeline');
    expect([web, base]).toEqual([WEB, BASE]);
  });
});
