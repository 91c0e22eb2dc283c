import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { makeSignetEnv, TEST_PASSPHRASE, type SignetEnv } from '../support/signet-env.js';
import { Keystore } from '../../src/keys/keystore.js';
import { readPolicy } from '../../src/policy/trust-policy.js';

let s: SignetEnv;
let trustFlags: string[];
beforeEach(async () => {
  s = await makeSignetEnv();
  expect((await s.cli(['init', join(s.dir, 'trust'), '--scope', '**'])).code).toBe(0);
  const policy = await readPolicy(join(s.home, 'policy.json'));
  trustFlags = ['--trust-repo', join(s.dir, 'trust'), '--root', policy.trust[0]!.root];
});
afterEach(async () => s.cleanup());

/** A key generated on another machine (its own SIGNET_HOME); returns that home and a public key file. */
async function holder(name: string): Promise<{ home: string; pub: string; keyId: string }> {
  const home = join(s.dir, `home-${name}`);
  const info = await new Keystore(home).generate(name, 'test', async () => TEST_PASSPHRASE);
  const pub = join(s.dir, `${name}.pub.json`);
  await writeFile(pub, JSON.stringify(info.publicKey));
  return { home, pub, keyId: info.keyId };
}

describe('signet delegation add / list / remove and sign --role', () => {
  it('signs matching names into the delegated role, refuses others, and stops verifying after remove', async () => {
    const ci = await new Keystore(s.home).generate('app-ci', 'test', async () => TEST_PASSPHRASE);
    const add = await s.cli(['delegation', 'add', 'app-ci', '--key', ci.keyId.slice(0, 12), '--paths', 'app:*']);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain('delegated app:*, app@sha256:* to app-ci');

    const sign = await s.cli(['sign', '--role', 'app-ci', s.ref('1.0')]);
    expect(sign.code, sign.stderr).toBe(0);
    expect((await s.cli(['verify', s.ref('1.0')])).code).toBe(0);
    const outside = await s.cli(['sign', '--role', 'app-ci', s.ref('1.0'), '--name', 'web']);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('app-ci may only sign app:*, app@sha256:*; web:1.0 is outside it');

    const list = await s.cli(['delegation', 'list']);
    expect(list.stdout).toMatch(/^app-ci\tapp:\*,app@sha256:\*\t1\/1\t[0-9a-f]{12}\tv2\t2 targets$/m);

    expect((await s.cli(['delegation', 'remove', 'app-ci'])).code).toBe(0);
    const verify = await s.cli(['verify', s.ref('1.0')]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain('app:1.0 is not signed');
  });

  it('exits 2 for a delegation without keys', async () => {
    const add = await s.cli(['delegation', 'add', 'x', '--paths', 'app:*']);
    expect(add.code).toBe(2);
    expect(add.stderr).toContain('needs at least one --key');
  });
});

describe('a 2-of-2 delegation signed on two machines', () => {
  it('is refused below threshold, then published after the second holder signs the file', async () => {
    const alice = await holder('alice');
    const bob = await holder('bob');
    const add = await s.cli(['delegation', 'add', 'release', '--key', alice.pub, '--key', bob.pub, '--threshold', '2', '--paths', 'app:*', '--terminating']);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stderr).toContain('not published');

    const file = join(s.dir, 'release.json');
    const prepared = await s.cli(['sign', '--role', 'release', '--detached', file, s.ref('1.0'), ...trustFlags], { env: { SIGNET_HOME: alice.home } });
    expect(prepared.code, prepared.stderr).toBe(0);
    expect(prepared.stdout).toContain('signed by 1/2 keys');
    expect(prepared.stdout).toContain('+ app:1.0');

    const early = await s.cli(['delegation', 'publish', file]);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('release was signed by 1/2 required keys');
    expect((await s.cli(['verify', s.ref('1.0')])).code).toBe(1);

    const cosign = await s.cli(['delegation', 'sign', file, ...trustFlags], { env: { SIGNET_HOME: bob.home } });
    expect(cosign.code, cosign.stderr).toBe(0);
    expect(cosign.stdout).toContain('release v1: signed by 2/2');
    const publish = await s.cli(['delegation', 'publish', file]);
    expect(publish.code, publish.stderr).toBe(0);
    expect((await s.cli(['verify', s.ref('1.0')])).code).toBe(0);
  });

  it('refuses to co-sign a file edited after the first signature', async () => {
    const alice = await holder('alice');
    const bob = await holder('bob');
    await s.cli(['delegation', 'add', 'release', '--key', alice.pub, '--key', bob.pub, '--threshold', '2', '--paths', 'app:*']);
    const file = join(s.dir, 'release.json');
    await s.cli(['sign', '--role', 'release', '--detached', file, s.ref('1.0'), ...trustFlags], { env: { SIGNET_HOME: alice.home } });
    const doc = JSON.parse(await readFile(file, 'utf8'));
    doc.signed.targets['app:1.0'].hashes.sha256 = '0'.repeat(64);
    await writeFile(file, JSON.stringify(doc));
    const cosign = await s.cli(['delegation', 'sign', file, ...trustFlags], { env: { SIGNET_HOME: bob.home } });
    expect(cosign.code).toBe(1);
    expect(cosign.stderr).toContain('was modified, do not sign it');
  });
});
