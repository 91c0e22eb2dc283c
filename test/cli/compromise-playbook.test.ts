// The "Done when", tried as a new user would: a pipeline key is
// compromised; the security team revokes the key and every image it signed
// with one or two commands; deploy-side `signet verify` refuses those images
// on its next run while other images still verify.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeSignetEnv, TEST_PASSPHRASE, type SignetEnv } from '../support/signet-env.js';
import { Keystore } from '../../src/keys/keystore.js';

let s: SignetEnv;
beforeEach(async () => {
  s = await makeSignetEnv();
});
afterEach(async () => s.cleanup());

describe('when a pipeline key is compromised', () => {
  it('key revoke plus revoke --digest stop its images verifying; other images still verify; a new key recovers', async () => {
    // Security team: one trust repository for the organisation, one delegation per pipeline.
    expect((await s.cli(['init', join(s.dir, 'trust'), '--scope', '**'])).code).toBe(0);
    const keys = new Keystore(s.home);
    const appCi = await keys.generate('app-ci', 'pipeline', async () => TEST_PASSPHRASE);
    const webCi = await keys.generate('web-ci', 'pipeline', async () => TEST_PASSPHRASE);
    expect((await s.cli(['delegation', 'add', 'app-ci', '--key', appCi.keyId, '--paths', 'app:*'])).code).toBe(0);
    expect((await s.cli(['delegation', 'add', 'web-ci', '--key', webCi.keyId, '--paths', 'web:*'])).code).toBe(0);

    // Pipelines sign; the attacker, holding app-ci's key, also got its image signed under another name at top level.
    expect((await s.cli(['sign', '--role', 'app-ci', s.ref('1.0'), s.ref('2.0')])).code).toBe(0);
    expect((await s.cli(['sign', '--role', 'web-ci', s.ref('1.0'), '--name', 'web'])).code).toBe(0);
    expect((await s.cli(['sign', s.ref('2.0'), '--name', 'tools'])).code).toBe(0);
    expect((await s.cli(['sign', s.ref('1.0'), '--name', 'base'])).code).toBe(0);

    // Deploy side verifies everything (and caches the trusted metadata).
    const before = await s.cli(['verify', s.ref('1.0'), s.ref('2.0'), '--json']);
    expect(before.code, before.stderr).toBe(0);
    const compromised = JSON.parse(before.stdout).results[1].digest as string;
    for (const name of ['web', 'tools', 'base']) expect((await s.cli(['verify', s.ref(name === 'tools' ? '2.0' : '1.0'), '--name', name])).code).toBe(0);

    // Command 1: revoke the key; everything only it signed stops verifying.
    const revokeKey = await s.cli(['key', 'revoke', appCi.keyId.slice(0, 12), '--reason', 'CI runner compromised']);
    expect(revokeKey.code, revokeKey.stderr).toBe(0);
    expect(revokeKey.stdout).toContain('removed from app-ci: its 6 target(s) no longer verify');
    // Command 2: revoke the compromised image wherever else it was signed.
    const revokeDigest = await s.cli(['revoke', '--digest', compromised, '--reason', 'built by the compromised runner']);
    expect(revokeDigest.code, revokeDigest.stderr).toBe(0);
    expect(revokeDigest.stdout).toContain('revoked tools:2.0');

    // Deploy side, next run: refused with exit 1 and the reason; the rest still verifies.
    const app = await s.cli(['verify', s.ref('1.0')]);
    expect(app.code).toBe(1);
    expect(app.stderr).toMatch(/app:1\.0 is no longer signed: revoked .* \(CI runner compromised\)/);
    const tools = await s.cli(['verify', s.ref('2.0'), '--name', 'tools']);
    expect(tools.code).toBe(1);
    expect(tools.stderr).toContain('built by the compromised runner');
    expect((await s.cli(['verify', s.ref('1.0'), '--name', 'web'])).code).toBe(0);
    expect((await s.cli(['verify', s.ref('1.0'), '--name', 'base'])).code).toBe(0);

    // Status tells the team what is left to do.
    const status = await s.cli(['status', '--check']);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain('signet key rotate app-ci');

    // Recovery: a new pipeline key; the role restarts empty, only re-signed images verify.
    const rotate = await s.cli(['key', 'rotate', 'app-ci']);
    expect(rotate.code, rotate.stderr).toBe(0);
    expect(rotate.stdout).toContain('restarted empty');
    expect((await s.cli(['sign', '--role', 'app-ci', s.ref('1.0')])).code).toBe(0);
    expect((await s.cli(['verify', s.ref('1.0')])).code).toBe(0);
    expect((await s.cli(['verify', s.ref('2.0')])).code).toBe(1);
  });
});
