import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

let s: SignetEnv;
beforeEach(async () => {
  s = await makeSignetEnv();
  expect((await s.cli(['init', join(s.dir, 'trust'), '--scope', 'app'])).code).toBe(0);
  const sign = await s.cli(['sign', s.ref('1.0'), s.ref('2.0')]);
  expect(sign.code, sign.stderr).toBe(0);
});
afterEach(async () => s.cleanup());

async function digestOf(tag: string): Promise<string> {
  const verify = await s.cli(['verify', s.ref(tag), '--json']);
  return JSON.parse(verify.stdout).results[0].digest as string;
}

describe('signet revoke <ref>', () => {
  it('revokes one tag: verify exits 1 saying it is no longer signed and since when; the other tag still verifies', async () => {
    const revoke = await s.cli(['revoke', s.ref('1.0'), '--reason', 'bad build']);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(revoke.stdout).toMatch(/^revoked app:1\.0 sha256:[0-9a-f]{64} \(targets\)/m);
    const verify = await s.cli(['verify', s.ref('1.0')]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(/app:1\.0 is no longer signed: revoked \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(bad build\)/);
    expect((await s.cli(['verify', s.ref('2.0')])).code).toBe(0);
  });

  it('exits 2 and publishes nothing for a tag that is not signed', async () => {
    const revoke = await s.cli(['revoke', s.ref('9.9')]);
    expect(revoke.code).toBe(2);
    expect(revoke.stderr).toContain('app:9.9 is not signed');
    expect((await s.cli(['verify', s.ref('1.0')])).code).toBe(0);
  });
});

describe('signet revoke --digest', () => {
  it('with no trust repository configured exits 2 and names the command that adds one', async () => {
    const empty = await makeSignetEnv();
    try {
      const revoke = await empty.cli(['revoke', '--digest', `sha256:${'a'.repeat(64)}`]);
      expect(revoke.code).toBe(2);
      expect(revoke.stderr).toContain('signet trust add --scope GLOB --store LOCATION --root ROOT.json');
    } finally {
      await empty.cleanup();
    }
  });

  it('revokes every target pointing at the digest (tag, index, platform manifests) in the repositories of the policy', async () => {
    const digest = await digestOf('2.0');
    const revoke = await s.cli(['revoke', '--digest', digest, '--json']);
    expect(revoke.code, revoke.stderr).toBe(0);
    const targets = JSON.parse(revoke.stdout).revoked[0].revoked.map((r: { target: string }) => r.target) as string[];
    expect(targets).toContain('app:2.0');
    expect(targets).toContain(`app@${digest}`);
    expect(targets.length).toBe(4); // tag, index digest, two platform manifests
    const verify = await s.cli(['verify', `oci-layout:${s.layout}@${digest}`]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain('no longer signed');
    expect((await s.cli(['verify', s.ref('1.0')])).code).toBe(0);
  });

  it('refuses a malformed digest with exit 2', async () => {
    const revoke = await s.cli(['revoke', '--digest', 'sha256:1234']);
    expect(revoke.code).toBe(2);
    expect(revoke.stderr).toContain('is not sha256:<64 hex digits>');
  });
});

describe('signet revoke --name', () => {
  it('revokes by the host-less image name the tag was signed under', async () => {
    const init = await s.cli(['init', join(s.dir, 'trust2'), '--scope', 'team/*']);
    expect(init.code, init.stderr).toBe(0);
    const sign = await s.cli(['sign', s.ref('1.0'), '--name', 'team/app']);
    expect(sign.code, sign.stderr).toBe(0);
    const revoke = await s.cli(['revoke', s.ref('1.0'), '--name', 'team/app']);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(revoke.stdout).toMatch(/^revoked team\/app:1\.0 /m);
    const verify = await s.cli(['verify', s.ref('1.0'), '--name', 'team/app']);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain('team/app:1.0 is no longer signed');
  });
});

describe('signet revoke <registry reference>', () => {
  it('needs no registry: target names carry no host, so a copy on any mirror is revoked too', async () => {
    const init = await s.cli(['init', join(s.dir, 'trust2'), '--scope', 'team/*']);
    expect(init.code, init.stderr).toBe(0);
    expect((await s.cli(['sign', s.ref('1.0'), '--name', 'team/app'])).code).toBe(0);
    const revoke = await s.cli(['revoke', '127.0.0.1:5999/team/app:1.0']); // nothing listens there
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(revoke.stdout).toMatch(/^revoked team\/app:1\.0 /m);
    expect((await s.cli(['verify', s.ref('1.0'), '--name', 'team/app'])).code).toBe(1);
  });
});

describe('signet revoke <name as signet list prints it>', () => {
  it('revokes app:2.0 as the target name (not docker.io/library/app) and prints it once, in one wording', async () => {
    const listed = (await s.cli(['list'])).stdout.split('\n').map((l) => l.split('\t')[0]);
    expect(listed).toContain('app:2.0');
    const revoke = await s.cli(['revoke', 'app:2.0', 'app:2.0']);
    expect(revoke.code, revoke.stderr).toBe(0);
    const lines = `${revoke.stdout}${revoke.stderr}`.split('\n').filter((l) => l.includes('app:2.0'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^revoked app:2\.0 sha256:[0-9a-f]{64} \(targets\) in /);
    expect((await s.cli(['verify', s.ref('2.0')])).code).toBe(1);
    expect((await s.cli(['verify', s.ref('1.0')])).code).toBe(0);
  });

  it('revokes by digest as list prints it: app@sha256:…', async () => {
    const digest = await digestOf('1.0');
    const revoke = await s.cli(['revoke', `app@${digest}`]);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(revoke.stdout).toContain(`revoked app:1.0 ${digest}`);
    expect((await s.cli(['verify', s.ref('1.0')])).code).toBe(1);
  });

  it('prefers the exact target name over the Docker Hub reading; a host makes it an image reference', async () => {
    expect((await s.cli(['init', join(s.dir, 'hub'), '--scope', 'library/*'])).code).toBe(0);
    expect((await s.cli(['sign', s.ref('1.0'), '--name', 'library/app'])).code).toBe(0);
    const short = await s.cli(['revoke', 'app:1.0']);
    expect(short.code, short.stderr).toBe(0);
    expect(short.stdout).toMatch(/^revoked app:1\.0 /m);
    expect(short.stdout).not.toContain('library/app');
    expect((await s.cli(['verify', s.ref('1.0'), '--name', 'library/app'])).code).toBe(0);
    const hub = await s.cli(['revoke', 'docker.io/library/app:1.0']);
    expect(hub.code, hub.stderr).toBe(0);
    expect(hub.stdout).toMatch(/^revoked library\/app:1\.0 /m);
    expect((await s.cli(['verify', s.ref('1.0'), '--name', 'library/app'])).code).toBe(1);
  });

  it('names both readings when neither is signed, and publishes nothing', async () => {
    const revoke = await s.cli(['revoke', 'app:9.9']);
    expect(revoke.code).toBe(2);
    expect(revoke.stderr).toContain('no trust repository signs the target app:9.9 nor the image app:9.9 (target library/app:9.9)');
    expect((await s.cli(['verify', s.ref('1.0')])).code).toBe(0);
  });
});
