// Root rotation (TUF 5.3.4): each new root needs a threshold of the old root's
// keys AND of its own. A verifier that starts from root 1 walks to root 3;
// a rotation signed only by new keys, or only by retired keys, is refused.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { Keystore } from '../../src/keys/keystore.js';
import { signEnvelope } from '../../src/metadata/signing.js';
import { createTwoOfThree, makeHolder, makeOnlineKey, ok, usbOf, type Holder } from './ceremony-support.js';

let s: SignetEnv;
let trust: string;
let root1: string;
let alice: Holder, bob: Holder, carol: Holder;

beforeEach(async () => {
  s = await makeSignetEnv();
  const made = await createTwoOfThree(s);
  [alice, bob, carol] = made.holders as [Holder, Holder, Holder];
  root1 = made.rootFile;
  await ok(alice.run(['root', 'sign', root1, '--key', alice.pub]));
  await ok(bob.run(['root', 'sign', root1, '--key', bob.pub]));
  trust = join(s.dir, 'trust');
  await ok(s.cli(['init', trust, '--root-file', root1, '--scope', 'app']));
  await ok(s.cli(['sign', s.ref('1.0')]));
});
afterEach(async () => {
  await s.cleanup();
});

/** A verifier on a fresh machine that pins root 1 only. */
function freshVerifier(ref: string) {
  return s.cli(['verify', ref, '--trust-repo', trust, '--root', root1], { env: { SIGNET_HOME: join(s.dir, `deploy-${Math.random().toString(16).slice(2)}`) } });
}

async function rotate(from: string, to: string, args: string[]): Promise<string> {
  const out = join(await usbOf(s), to);
  await ok(s.cli(['root', 'rotate', from, '-o', out, ...args]));
  return out;
}

describe('a chain of rotations 1 → 2 → 3 retiring keys', () => {
  it('is walked by a verifier that starts from root 1, and by one that had trusted root 1 before', async () => {
    // A deploy machine trusts root 1 before any rotation happens.
    const earlyHome = join(s.dir, 'deploy-early');
    const early = () => s.cli(['verify', s.ref('1.0'), '--trust-repo', trust, '--root', root1], { env: { SIGNET_HOME: earlyHome } });
    await ok(early());

    // v2: alice's key retired, dave's added.
    const dave = await makeHolder(s, 'dave');
    const root2 = await rotate(root1, 'root-v2.json', ['--remove-key', `root=${alice.keyId.slice(0, 8)}`, '--add-key', `root=${dave.pub}`]);
    await ok(alice.run(['root', 'sign', root2, '--key', alice.pub, '--previous', root1])); // old only
    await ok(bob.run(['root', 'sign', root2, '--key', bob.pub, '--previous', root1])); // old and new
    await ok(dave.run(['root', 'sign', root2, '--key', dave.pub, '--previous', root1])); // new only
    await ok(s.cli(['root', 'verify', root2, '--previous', root1]));
    await ok(s.cli(['root', 'publish', root2, '--trust-repo', trust]));

    // v3: bob and carol retired, erin and frank added, threshold 2 of {dave, erin, frank}; the timestamp key rotates too.
    const erin = await makeHolder(s, 'erin');
    const frank = await makeHolder(s, 'frank');
    const newTimestamp = await makeOnlineKey(s, 'timestamp', '-2');
    const oldTimestampId = JSON.parse(await readFile(join(await usbOf(s), 'timestamp.pub.json'), 'utf8')).keyid as string;
    const root3 = await rotate(root2, 'root-v3.json', [
      '--remove-key', `root=${bob.keyId.slice(0, 8)}`, '--remove-key', `root=${carol.keyId.slice(0, 8)}`,
      '--add-key', `root=${erin.pub}`, '--add-key', `root=${frank.pub}`,
      '--add-key', `timestamp=${newTimestamp}`, '--remove-key', `timestamp=${oldTimestampId.slice(0, 8)}`,
    ]);
    await ok(carol.run(['root', 'sign', root3, '--key', carol.pub, '--previous', root2]));
    await ok(dave.run(['root', 'sign', root3, '--key', dave.pub, '--previous', root2]));
    await ok(erin.run(['root', 'sign', root3, '--key', erin.pub, '--previous', root2]));
    await ok(s.cli(['root', 'verify', root3, '--previous', root2]));
    await ok(s.cli(['root', 'publish', root3, '--trust-repo', trust]));

    const rootKeys = JSON.parse(await readFile(join(trust, '3.root.json'), 'utf8')).signed.roles.root.keyids;
    expect(rootKeys).toEqual([dave.keyId, erin.keyId, frank.keyId]);

    const fresh = await freshVerifier(s.ref('1.0'));
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stdout).toMatch(/^app@sha256:/);
    const again = await early();
    expect(again.code, again.stderr).toBe(0);
    // The early machine now trusts root 3 (tuf-js persisted each verified step).
    const trusted = await s.cli(['sign', s.ref('2.0')]);
    expect(trusted.code, trusted.stderr).toBe(0);
    await ok(early());
  });
});

describe('when a rotation is signed only by the new root keys', () => {
  it('root verify, root publish and a verifier starting from root 1 all refuse it', async () => {
    const dave = await makeHolder(s, 'dave');
    const erin = await makeHolder(s, 'erin');
    const root2 = await rotate(root1, 'root-v2.json', [
      '--remove-key', `root=${alice.keyId.slice(0, 8)}`, '--remove-key', `root=${bob.keyId.slice(0, 8)}`, '--remove-key', `root=${carol.keyId.slice(0, 8)}`,
      '--add-key', `root=${dave.pub}`, '--add-key', `root=${erin.pub}`,
    ]);
    await ok(dave.run(['root', 'sign', root2, '--key', dave.pub]));
    await ok(erin.run(['root', 'sign', root2, '--key', erin.pub]));

    const report = await s.cli(['root', 'verify', root2, '--previous', root1, '--json']);
    expect(report.code).toBe(1);
    expect(JSON.parse(report.stdout)).toMatchObject({ ok: false, self: { met: true }, previous: { version: 1, signed: 0, threshold: 2, met: false } });

    const publish = await s.cli(['root', 'publish', root2, '--trust-repo', trust]);
    expect(publish.code).toBe(1);
    expect(publish.stderr).toContain('signed by 0/2 keys of root v1');

    // An attacker who can write to the store puts it there anyway: the verifier refuses.
    await writeFile(join(trust, '2.root.json'), await readFile(root2));
    const verify = await freshVerifier(s.ref('1.0'));
    expect(verify.code, verify.stderr).toBe(1);
    expect(verify.stderr).toMatch(/root was signed by 0\/2 keys/);
  });
});

describe('when retired root keys sign a new version', () => {
  it('refuses root v3 signed by the keys root v2 retired', async () => {
    const dave = await makeHolder(s, 'dave');
    const erin = await makeHolder(s, 'erin');
    // v2 retires alice, bob and carol for dave and erin (properly cross-signed).
    const root2 = await rotate(root1, 'root-v2.json', [
      '--remove-key', `root=${alice.keyId.slice(0, 8)}`, '--remove-key', `root=${bob.keyId.slice(0, 8)}`, '--remove-key', `root=${carol.keyId.slice(0, 8)}`,
      '--add-key', `root=${dave.pub}`, '--add-key', `root=${erin.pub}`,
    ]);
    for (const h of [alice, bob, dave, erin]) await ok(h.run(['root', 'sign', root2, '--key', h.pub, '--previous', root1]));
    await ok(s.cli(['root', 'publish', root2, '--trust-repo', trust]));

    // The retired holders try to take over: v3 puts their keys back, signed by them.
    const root3 = await rotate(root2, 'root-v3.json', [
      '--remove-key', `root=${dave.keyId.slice(0, 8)}`, '--remove-key', `root=${erin.keyId.slice(0, 8)}`,
      '--add-key', `root=${alice.pub}`, '--add-key', `root=${bob.pub}`,
    ]);
    // Keys in neither root 2 nor root 3 cannot sign it at all.
    const refused = await carol.run(['root', 'sign', root3, '--key', carol.pub, '--previous', root2]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('may not sign this root');
    // Alice and bob are root 3 keys, so their signatures go on; root 2's keys never signed.
    await ok(alice.run(['root', 'sign', root3, '--key', alice.pub, '--previous', root2]));
    await ok(bob.run(['root', 'sign', root3, '--key', bob.pub, '--previous', root2]));
    // Carol signs around the CLI's check, with the library: still no root 2 key.
    const forged = JSON.parse(await readFile(root3, 'utf8'));
    const { signer } = await new Keystore(carol.home).unlock(carol.keyId, async () => `TEST-ONLY ${carol.name} passphrase`);
    await signEnvelope(forged, [signer], true);
    await writeFile(root3, JSON.stringify(forged));
    const report = await s.cli(['root', 'verify', root3, '--previous', root2, '--json']);
    expect(report.code).toBe(1);
    expect(JSON.parse(report.stdout)).toMatchObject({ self: { met: true }, previous: { signed: 0, met: false } });
    await writeFile(join(trust, '3.root.json'), await readFile(root3));
    const verify = await freshVerifier(s.ref('1.0'));
    expect(verify.code, verify.stderr).toBe(1);
    expect(verify.stderr).toMatch(/root was signed by 0\/2 keys/);
  });
});
