// The offline root ceremony with hardware: a 2-of-3 root whose keys are two
// P-256 keys on two separate PKCS#11 tokens (SoftHSM2) and one ed25519 key
// file; then a rotation that replaces a token key with a key on a new token.
// Every step is the CLI a key holder runs.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { startSoftHsm, TEST_PIN, type SoftHsm } from '../support/softhsm.js';
import { stockTufJsTarget } from '../support/stock-tuf-js.js';
import { makeHolder, makeOnlineKey, ok, usbOf, type Holder } from './ceremony-support.js';

let hsm: SoftHsm;
let s: SignetEnv;
beforeAll(async () => {
  hsm = await startSoftHsm();
  for (const token of ['root-alice', 'root-bob', 'root-dave']) hsm.initToken(token);
  s = await makeSignetEnv();
});
afterAll(async () => {
  await s?.cleanup();
  await hsm?.cleanup();
});

/** A key holder whose root key is generated on their own token (their own machine: own SIGNET_HOME). */
async function tokenHolder(name: string): Promise<Holder> {
  const home = join(s.dir, `machine-${name}`);
  const env = { SIGNET_HOME: home, SIGNET_PKCS11_PIN: TEST_PIN };
  const run = (args: string[]) => s.cli(args, { env });
  const pub = join(await usbOf(s), `root-${name}.pub.json`);
  const generated = await ok(run(['key', 'generate', '--role', 'root', '--repository', 'acme', '--pkcs11', hsm.uri(`root-${name}`, 'root'), '--public-out', pub, '--json']));
  expect(JSON.parse(generated.stdout)).toMatchObject({ algorithm: 'ecdsa-p256', location: 'pkcs11' });
  return { name, home, pub, keyId: JSON.parse(generated.stdout).keyId, run };
}

describe('a 2-of-3 root with two keys on two tokens and one ed25519 file key', () => {
  it('is created, signed with a token, verified, starts a repository a deploy machine verifies, and rotates a token key out', async () => {
    const alice = await tokenHolder('alice');
    const bob = await tokenHolder('bob');
    const carol = await makeHolder(s, 'carol');
    const online = { targets: await makeOnlineKey(s, 'targets'), snapshot: await makeOnlineKey(s, 'snapshot'), timestamp: await makeOnlineKey(s, 'timestamp') };
    const usb = await usbOf(s);
    const root1 = join(usb, 'root.json');
    await ok(s.cli([
      'root', 'create', '-o', root1,
      '--key', `root=${alice.pub}`, '--key', `root=${bob.pub}`, '--key', `root=${carol.pub}`, '--threshold', 'root=2',
      '--key', `targets=${online.targets}`, '--key', `snapshot=${online.snapshot}`, '--key', `timestamp=${online.timestamp}`,
    ]));

    // Alice signs on her token, carol with her file key.
    await ok(alice.run(['root', 'sign', root1, '--key', alice.pub]));
    await ok(carol.run(['root', 'sign', root1, '--key', carol.pub]));
    const report = JSON.parse((await ok(s.cli(['root', 'verify', root1, '--json']))).stdout);
    expect(report.self).toMatchObject({ threshold: 2, signed: 2, met: true });
    const rootKeys = JSON.parse(await readFile(root1, 'utf8')).signed.keys;
    expect(rootKeys[alice.keyId]).toMatchObject({ keytype: 'ecdsa', scheme: 'ecdsa-sha2-nistp256' });
    expect(rootKeys[carol.keyId]).toMatchObject({ keytype: 'ed25519' });

    const trust = join(s.dir, 'trust');
    await ok(s.cli(['init', trust, '--root-file', root1, '--scope', 'app']));
    await ok(s.cli(['sign', s.ref('1.0')]));
    const deploy = (home: string) => s.cli(['verify', s.ref('1.0'), '--trust-repo', trust, '--root', root1], { env: { SIGNET_HOME: join(s.dir, home) } });
    const first = await ok(deploy('deploy-1'));
    expect(first.stdout).toMatch(/^app@sha256:[0-9a-f]{64}\n$/);

    // Rotation: bob's token key is replaced by dave's key on a new token; the
    // new root needs 2 of the old keys and 2 of the new ones.
    const dave = await tokenHolder('dave');
    const root2 = join(usb, 'root-v2.json');
    await ok(s.cli(['root', 'rotate', root1, '-o', root2, '--remove-key', `root=${bob.keyId.slice(0, 8)}`, '--add-key', `root=${dave.pub}`]));
    await ok(alice.run(['root', 'sign', root2, '--key', alice.keyId.slice(0, 12), '--previous', root1]));
    await ok(dave.run(['root', 'sign', root2, '--key', dave.pub, '--previous', root1]));
    const below = await s.cli(['root', 'verify', root2, '--previous', root1]);
    expect(below.code).toBe(1); // alice counts for both roots, dave only for the new: the old root has 1/2
    await ok(carol.run(['root', 'sign', root2, '--key', carol.pub, '--previous', root1]));
    await ok(s.cli(['root', 'verify', root2, '--previous', root1]));
    await ok(s.cli(['root', 'publish', root2, '--trust-repo', trust]));
    const published = JSON.parse(await readFile(join(trust, '2.root.json'), 'utf8'));
    expect(published.signed.roles.root.keyids.sort()).toEqual([alice.keyId, carol.keyId, dave.keyId].sort());

    // A deploy machine that pins root 1 walks to root 2; so does a stock tuf-js client.
    const second = await ok(deploy('deploy-2'));
    expect(second.stdout).toBe(first.stdout);
    const info = await stockTufJsTarget(trust, root1, join(s.dir, 'stock'), 'app:1.0');
    expect(`sha256:${info?.hashes['sha256']}`).toBe(first.stdout.trim().split('@')[1]);
  }, 240_000); // a whole ceremony of CLI runs with scrypt unlocks: slow on a loaded machine
});
