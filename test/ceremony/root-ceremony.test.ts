// The k-of-n ceremony end to end: three root key holders on three machines
// (three SIGNET_HOMEs) sign one root file in turn; the root starts a trust
// repository and `signet verify` accepts an image signed in it.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { createTwoOfThree, ok, signatureCount } from './ceremony-support.js';

let s: SignetEnv;
beforeEach(async () => {
  s = await makeSignetEnv();
});
afterEach(async () => {
  await s.cleanup();
});

describe('a 2-of-3 root ceremony across three machines', () => {
  it('produces a root that starts a repository whose signed image `signet verify` accepts', async () => {
    const { holders, rootFile } = await createTwoOfThree(s);
    const [alice, bob, carol] = holders as [typeof holders[0], typeof holders[0], typeof holders[0]];
    await ok(alice.run(['root', 'sign', rootFile, '--key', alice.pub]));
    await ok(bob.run(['root', 'sign', rootFile, '--key', bob.keyId.slice(0, 10)]));
    expect(await signatureCount(rootFile)).toBe(2);

    const verified = await ok(s.cli(['root', 'verify', rootFile, '--json']));
    const report = JSON.parse(verified.stdout);
    expect(report.ok).toBe(true);
    expect(report.self).toMatchObject({ threshold: 2, signed: 2, met: true });
    const rootRole = report.roles.find((r: { role: string }) => r.role === 'root');
    expect(rootRole.keys.map((k: { keyId: string; signed: boolean }) => [k.keyId, k.signed])).toEqual([
      [alice.keyId, true],
      [bob.keyId, true],
      [carol.keyId, false],
    ]);
    expect(rootRole.keys[0].fingerprint).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);

    const trust = join(s.dir, 'trust');
    await ok(s.cli(['init', trust, '--root-file', rootFile, '--scope', 'app']));
    await ok(s.cli(['sign', s.ref('1.0')]));
    const verify = await ok(s.cli(['verify', s.ref('1.0')]));
    expect(verify.stdout).toMatch(/^app@sha256:[0-9a-f]{64}\n$/);

    // A deploy machine with only the ceremony's root file pinned agrees.
    const deploy = await s.cli(['verify', s.ref('1.0'), '--trust-repo', trust, '--root', rootFile], { env: { SIGNET_HOME: join(s.dir, 'deploy') } });
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stdout).toBe(verify.stdout);
  });

  it('keeps the other signatures when a holder signs again, counting each key once', async () => {
    const { holders, rootFile } = await createTwoOfThree(s);
    const alice = holders[0]!;
    await ok(alice.run(['root', 'sign', rootFile, '--key', alice.pub]));
    const again = await ok(alice.run(['root', 'sign', rootFile, '--key', alice.pub, '--json']));
    expect(JSON.parse(again.stdout)).toMatchObject({ replaced: true, self: { signed: 1, met: false } });
    expect(await signatureCount(rootFile)).toBe(1);
  });
});

describe('when a root has fewer signatures than its threshold', () => {
  it('root verify exits 1 naming the count, and init refuses it without writing anything', async () => {
    const { holders, rootFile } = await createTwoOfThree(s);
    await ok(holders[0]!.run(['root', 'sign', rootFile, '--key', holders[0]!.pub]));
    const verify = await s.cli(['root', 'verify', rootFile]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('Threshold of root v1: 1 of 2 required signatures, NOT met');
    const trust = join(s.dir, 'trust');
    const init = await s.cli(['init', trust, '--root-file', rootFile]);
    expect(init.code).toBe(1);
    expect(init.stderr).toContain('signed by 1/2 required keys');
    expect(await readdir(trust).catch(() => [])).toEqual([]);
  });

  it('a verifier pinned to that root refuses the repository (tuf-js checks the pin itself)', async () => {
    const { holders, rootFile } = await createTwoOfThree(s);
    const [alice, bob] = holders as [typeof holders[0], typeof holders[0]];
    await ok(alice.run(['root', 'sign', rootFile, '--key', alice.pub]));
    const underSigned = await readFile(rootFile);
    const pin = join(s.dir, 'one-signature.root.json');
    await writeFile(pin, underSigned);
    await ok(bob.run(['root', 'sign', rootFile, '--key', bob.pub]));
    const trust = join(s.dir, 'trust');
    await ok(s.cli(['init', trust, '--root-file', rootFile, '--scope', 'app']));
    await ok(s.cli(['sign', s.ref('1.0')]));
    // Put the under-signed root in the store in place of the good one as well.
    await writeFile(join(trust, '1.root.json'), underSigned);
    const verify = await s.cli(['verify', s.ref('1.0'), '--trust-repo', trust, '--root', pin], { env: { SIGNET_HOME: join(s.dir, 'deploy') } });
    expect(verify.code, verify.stderr).toBe(1);
  });

  it('refuses a signature by a key that is not a root key', async () => {
    const { rootFile, online } = await createTwoOfThree(s);
    const sign = await s.cli(['root', 'sign', rootFile, '--key', online.targets]);
    expect(sign.code).toBe(2);
    expect(sign.stderr).toContain('may not sign this root');
    expect(await signatureCount(rootFile)).toBe(0);
  });
});
