import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { addToLayout, sampleManifest } from '../../src/image/sample-images.js';

let s: SignetEnv;
beforeEach(async () => {
  s = await makeSignetEnv();
});
afterEach(async () => {
  await s.cleanup();
});

async function initAndSign(): Promise<void> {
  const init = await s.cli(['init', join(s.dir, 'trust'), '--scope', 'app']);
  expect(init.code, init.stderr).toBe(0);
  const sign = await s.cli(['sign', s.ref('1.0'), s.ref('2.0')]);
  expect(sign.code, sign.stderr).toBe(0);
}

describe('signet init, sign, verify, list', () => {
  it('round-trips: a signed tag verifies and prints name@sha256', async () => {
    await initAndSign();
    const verify = await s.cli(['verify', s.ref('1.0')]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/^app@sha256:[0-9a-f]{64}\n$/);
  });

  it('verifies a two-platform index by tag and each platform manifest by digest', async () => {
    await initAndSign();
    const list = await s.cli(['list', 'app', '--json']);
    expect(list.code, list.stderr).toBe(0);
    const targets = JSON.parse(list.stdout).targets as Array<{ name: string; digest: string }>;
    const children = targets.filter((t) => t.name.startsWith('app@') && t.name !== `app@${targets.find((x) => x.name === 'app:2.0')!.digest}` && t.name !== `app@${targets.find((x) => x.name === 'app:1.0')!.digest}`);
    expect(children).toHaveLength(2);
    const byDigest = await s.cli(['verify', `oci-layout:${s.layout}@${targets.find((t) => t.name === 'app:2.0')!.digest}`]);
    expect(byDigest.code, byDigest.stderr).toBe(0);
  });

  it('reports a tampered manifest with exit 1, naming the signed and the found digest', async () => {
    await initAndSign();
    const before = JSON.parse((await s.cli(['verify', s.ref('1.0'), '--json'])).stdout);
    await addToLayout(s.layout, '1.0', sampleManifest('evil'));
    const verify = await s.cli(['verify', s.ref('1.0')]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain(before.results[0].digest.slice('sha256:'.length));
    expect(verify.stderr).toMatch(/found sha256:[0-9a-f]{64}/);
  });

  it('refuses an unsigned tag with exit 1', async () => {
    await s.cli(['init', join(s.dir, 'trust'), '--scope', 'app']);
    await s.cli(['sign', s.ref('1.0')]);
    const verify = await s.cli(['verify', s.ref('2.0')]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain('app:2.0 is not signed');
  });

  it('exits 2 with a clear message when no root is pinned', async () => {
    await s.cli(['init', join(s.dir, 'trust')]);
    const verify = await s.cli(['verify', s.ref('1.0'), '--trust-repo', join(s.dir, 'trust')]);
    expect(verify.code).toBe(2);
    expect(verify.stderr).toContain('no pinned root');
  });

  it('exits 2 when no trust repository covers the image', async () => {
    const verify = await s.cli(['verify', s.ref('1.0')]);
    expect(verify.code).toBe(2);
    expect(verify.stderr).toContain('no trust repository covers app');
  });

  it('lists what is signed, with the role', async () => {
    await initAndSign();
    const list = await s.cli(['list', 'app:']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^app:1\.0\tsha256:[0-9a-f]{64}\t\d+\ttargets$/m);
    expect(list.stdout).toMatch(/^app:2\.0\t/m);
  });

  it('refuses to sign without a passphrase, saying which variable to set', async () => {
    await s.cli(['init', join(s.dir, 'trust'), '--scope', 'app']);
    const sign = await s.cli(['sign', s.ref('1.0')], { env: { SIGNET_PASSPHRASE: '' } });
    expect(sign.code).toBe(2);
    expect(sign.stderr).toContain('SIGNET_PASSPHRASE_TARGETS');
  });

  it('refuses to sign with a wrong passphrase and changes nothing', async () => {
    await s.cli(['init', join(s.dir, 'trust'), '--scope', 'app']);
    const sign = await s.cli(['sign', s.ref('1.0')], { env: { SIGNET_PASSPHRASE: 'wrong' } });
    expect(sign.code).toBe(2);
    expect(sign.stderr).toContain('wrong passphrase');
    const list = await s.cli(['list', 'app']);
    expect(list.stdout).toContain('nothing signed');
  });

  it('init refuses a store that already holds a repository', async () => {
    await s.cli(['init', join(s.dir, 'trust')]);
    const again = await s.cli(['init', join(s.dir, 'trust')]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already holds trust metadata');
  });
});

describe('signet demo', () => {
  it('runs the whole flow and explains each step', async () => {
    const demo = await s.cli(['demo', '--dir', join(s.dir, 'demo')]);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toContain('REFUSED');
    expect(demo.stdout).toContain('exit code 1');
    expect(demo.stdout).toMatch(/OK +app@sha256:/);
  });
});

describe('signet --help and --version', () => {
  it('prints the version and exits 0', async () => {
    const result = await s.cli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe((await import('../../package.json', { with: { type: 'json' } })).default.version);
  });

  it('shows examples in every command help', async () => {
    for (const command of ['init', 'sign', 'verify', 'list', 'demo']) {
      const help = await s.cli([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Examples:');
    }
  });

  it('exits 2 on an unknown option', async () => {
    const result = await s.cli(['verify', '--bogus']);
    expect(result.code).toBe(2);
  });
});
