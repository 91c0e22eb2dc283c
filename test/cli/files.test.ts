import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { appendFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { makeSignetEnv, TEST_PASSPHRASE, type SignetEnv } from '../support/signet-env.js';
import { readPolicy } from '../../src/policy/trust-policy.js';
import { Keystore } from '../../src/keys/keystore.js';

let s: SignetEnv;
let trust: string[];
const tarball = 'file:dist/app-1.2.3.tar.gz';
const sbom = 'file:dist/sbom.spdx.json';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// One trust repository for the file (init costs a key derivation); each case uses its own file names.
beforeAll(async () => {
  s = await makeSignetEnv();
  expect((await s.cli(['init', join(s.dir, 'trust'), '--scope', '**'])).code).toBe(0);
  const policy = await readPolicy(join(s.home, 'policy.json'));
  trust = ['--trust-repo', join(s.dir, 'trust'), '--root', policy.trust[0]!.root];
  await import('node:fs/promises').then((fs) => fs.mkdir(join(s.dir, 'dist')));
  await writeFile(join(s.dir, 'dist', 'app-1.2.3.tar.gz'), 'tarball bytes');
  await writeFile(join(s.dir, 'dist', 'sbom.spdx.json'), '{"spdxVersion":"SPDX-2.3"}');
});
afterAll(async () => s.cleanup());

describe('a release signs an image, a tarball and an SBOM in one call', () => {
  it('verifies all three, then refuses the revoked tarball (exit 1) while the others still verify', async () => {
    const sign = await s.cli(['sign', s.ref('1.0'), tarball, sbom, '--json']);
    expect(sign.code, sign.stderr).toBe(0);
    const signed = JSON.parse(sign.stdout).signed as Array<{ kind: string; name: string; digest: string }>;
    expect(signed.map((r) => [r.kind, r.name])).toEqual([
      ['image', 'app'],
      ['file', 'files/app-1.2.3.tar.gz'],
      ['file', 'files/sbom.spdx.json'],
    ]);
    expect(signed[1]!.digest).toBe(`sha256:${sha256('tarball bytes')}`);

    const verify = await s.cli(['verify', s.ref('1.0'), tarball, sbom]);
    expect(verify.code, verify.stderr).toBe(0);
    const lines = verify.stdout.trim().split('\n');
    expect(lines[1]).toBe(`files/app-1.2.3.tar.gz@sha256:${sha256('tarball bytes')}`);
    expect(lines[2]).toMatch(/^files\/sbom\.spdx\.json@sha256:[0-9a-f]{64}$/);

    const list = await s.cli(['list', 'files/', '--json']);
    expect(JSON.parse(list.stdout).targets.map((t: { name: string; kind?: string }) => [t.name, t.kind])).toEqual([
      ['files/app-1.2.3.tar.gz', 'file'],
      ['files/sbom.spdx.json', 'file'],
    ]);

    const revoke = await s.cli(['revoke', tarball, '--reason', 'rebuilt']);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(revoke.stdout).toContain('revoked files/app-1.2.3.tar.gz sha256:');
    const after = await s.cli(['verify', s.ref('1.0'), tarball, sbom, '--json']);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/files\/app-1\.2\.3\.tar\.gz is no longer signed: revoked .* \(rebuilt\)/);
    const results = JSON.parse(after.stdout).results as Array<{ ok: boolean; error?: { code: string } }>;
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]!.error!.code).toBe('revoked');
  });
});

describe('signet verify file:…', () => {
  const tool = 'file:dist/tool.bin';
  beforeAll(async () => {
    await writeFile(join(s.dir, 'dist', 'tool.bin'), 'tarball bytes');
    expect((await s.cli(['sign', tool, '--sha512'])).code).toBe(0);
  });

  it('checks sha512 too when it was signed', async () => {
    const verify = await s.cli(['verify', tool, '--json']);
    expect(verify.code, verify.stderr).toBe(0);
    const result = JSON.parse(verify.stdout).results[0];
    expect(result.hashes.sha512).toBe(createHash('sha512').update('tarball bytes').digest('hex'));
    expect(result).toMatchObject({ kind: 'file', target: 'files/tool.bin', size: 13 });
  });

  it('exits 1 and says the file changed when one byte is appended', async () => {
    await appendFile(join(s.dir, 'dist', 'tool.bin'), 'x');
    const verify = await s.cli(['verify', tool, '--json']);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain('does not match its signed target files/tool.bin: signed 13 bytes, found 14 bytes; the file changed after it was signed');
    expect(JSON.parse(verify.stdout).results[0].error.code).toBe('target-mismatch');
  });

  it('exits 1 naming the hash when the content changed but not the size', async () => {
    await writeFile(join(s.dir, 'dist', 'tool.bin'), 'tarball BYTES');
    const verify = await s.cli(['verify', tool]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(/does not match its signed length and hashes: signed sha256:[0-9a-f]{64} \(13 bytes\), found sha256:[0-9a-f]{64} \(13 bytes\) \(target files\/tool\.bin\); the file changed/);
  });

  it('exits 1 saying it is not signed for a file never signed', async () => {
    await writeFile(join(s.dir, 'dist', 'unsigned.txt'), 'never signed');
    const verify = await s.cli(['verify', 'file:dist/unsigned.txt']);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain('files/unsigned.txt is not signed in trust repository');
  });

  it('exits 2 when the file does not exist', async () => {
    const verify = await s.cli(['verify', 'file:dist/missing.tar.gz']);
    expect(verify.code).toBe(2);
    expect(verify.stderr).toContain('dist/missing.tar.gz: no such file');
  });
});

describe('file target names', () => {
  beforeAll(async () => writeFile(join(s.dir, 'downloaded'), 'tarball bytes'));
  it('signs under --target-name and verifies a renamed download against it', async () => {
    expect((await s.cli(['sign', 'file:downloaded', '--target-name', 'releases/app-1.2.3.tar.gz'])).code).toBe(0);
    const verify = await s.cli(['verify', 'file:downloaded', '--target-name', 'releases/app-1.2.3.tar.gz']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout.trim()).toBe(`releases/app-1.2.3.tar.gz@sha256:${sha256('tarball bytes')}`);
  });

  it('refuses --target-name with two files, and names with ":" or "@" (exit 2)', async () => {
    expect((await s.cli(['sign', tarball, sbom, '--target-name', 'x'])).code).toBe(2);
    const colon = await s.cli(['sign', tarball, '--target-name', 'app:1.0']);
    expect(colon.code).toBe(2);
    expect(colon.stderr).toContain('is not valid for a file');
    expect((await s.cli(['sign', tarball, '--target-name', 'files/../x'])).code).toBe(2);
  });

  it('lets a delegation scoped to files/team/* sign files under --file-prefix files/team/, and nothing else', async () => {
    const ci = await new Keystore(s.home).generate('team-ci', 'test', async () => TEST_PASSPHRASE);
    expect((await s.cli(['delegation', 'add', 'team', '--key', ci.keyId.slice(0, 12), '--paths', 'files/team/*'])).code).toBe(0);
    const sign = await s.cli(['sign', '--role', 'team', tarball, '--file-prefix', 'files/team/']);
    expect(sign.code, sign.stderr).toBe(0);
    expect(sign.stdout).toContain('signed file files/team/app-1.2.3.tar.gz');
    const list = await s.cli(['list', 'files/team/', '--json']);
    expect(JSON.parse(list.stdout).targets[0]).toMatchObject({ name: 'files/team/app-1.2.3.tar.gz', role: 'team' });
    expect((await s.cli(['verify', tarball, '--file-prefix', 'files/team'])).code).toBe(0);
    const outside = await s.cli(['sign', '--role', 'team', sbom]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('files/sbom.spdx.json is outside it');
  });
});
