// A delegation rotated to a key whose private half never leaves the CI
// machine: two SIGNET_HOMEs (owner, CI) and a verifier. The owner signs only
// the delegator; the CI home signs the delegated role with its new key
// (`sign --role --detached`) and whoever holds snapshot and timestamp (here the
// owner) publishes that file.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readdir } from 'node:fs/promises';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { readPolicy } from '../../src/policy/trust-policy.js';
import type { VerifyReport } from '../../src/verify/verify-result.js';

let s: SignetEnv;
let trustFlags: string[];
const ciHome = () => join(s.dir, 'ci-home');
const ci = (args: string[]) => s.cli(args, { env: { SIGNET_HOME: ciHome() } });

/** The CI home signs `tag` into app-ci with its own key; the owner publishes the file. */
async function ciSigns(tag: string): Promise<{ stderr: string }> {
  const file = join(s.dir, `app-ci-${tag}.json`);
  const signed = await ci(['sign', '--role', 'app-ci', '--detached', file, ...trustFlags, s.ref(tag)]);
  expect(signed.code, signed.stderr).toBe(0);
  const publish = await s.cli(['delegation', 'publish', file]);
  expect(publish.code, publish.stderr).toBe(0);
  return { stderr: signed.stderr };
}
const verifierHome = () => join(s.dir, 'verifier-home');

beforeAll(async () => {
  s = await makeSignetEnv();
  expect((await s.cli(['init', join(s.dir, 'trust'), '--scope', 'app'])).code).toBe(0);
  const policy = await readPolicy(join(s.home, 'policy.json'));
  trustFlags = ['--trust-repo', join(s.dir, 'trust'), '--root', policy.trust[0]!.root];
});
afterAll(async () => s.cleanup());

async function generateOnCi(file: string, format?: string): Promise<string> {
  const gen = await ci(['key', 'generate', '--role', 'app-ci', '--public-out', join(s.dir, file), '--json']);
  expect(gen.code, gen.stderr).toBe(0);
  const keyId = (JSON.parse(gen.stdout) as { keyId: string }).keyId;
  if (format) {
    const exported = await ci(['key', 'export', keyId, '--format', format, '--out', join(s.dir, `${file}.${format}`)]);
    expect(exported.code, exported.stderr).toBe(0);
  }
  return keyId;
}

async function verify(tags: string[]): Promise<{ code: number; report: VerifyReport }> {
  const run = await s.cli(['verify', '--json', ...trustFlags, ...tags.map((t) => s.ref(t))], { env: { SIGNET_HOME: verifierHome() } });
  return { code: run.code, report: JSON.parse(run.stdout) as VerifyReport };
}

async function ownerKeyIds(): Promise<string> {
  return (await readdir(join(s.home, 'keys')).catch(() => [] as string[])).join(' ');
}

describe('rotating a delegation to a key held on the CI machine', () => {
  it('works in one step: the owner signs the delegator, the CI home signs the role, a verifier accepts', async () => {
    const first = await generateOnCi('ci1.pub.json');
    const add = await s.cli(['delegation', 'add', 'app-ci', '--key', join(s.dir, 'ci1.pub.json'), '--paths', 'app:*']);
    expect(add.code, add.stderr).toBe(0);
    await ciSigns('1.0');
    expect((await verify(['1.0'])).code).toBe(0);

    const second = await generateOnCi('ci2.pub.json');
    const rotate = await s.cli(['key', 'rotate', 'app-ci', '--key', join(s.dir, 'ci2.pub.json')]);
    expect(rotate.code, rotate.stderr).toBe(0);
    expect(rotate.stderr).toContain('app-ci: its new key is not on this machine');
    expect(await ownerKeyIds()).not.toContain(second);
    expect(await ownerKeyIds()).not.toContain(first);

    // Until the CI signs, the role's old content (signed by the retired key) does not verify.
    expect((await verify(['1.0'])).code).toBe(1);
    const sign = await ciSigns('2.0');
    expect(sign.stderr).toContain('app-ci: its published content does not meet its current keys');
    const after = await verify(['2.0', '1.0']);
    expect(after.report.results.map((r) => (r.ok ? r.role : r.error.code))).toEqual(['app-ci', 'not-signed']);
  });

  it('works for remove + re-add under the same name with a PEM key from the CI machine', async () => {
    await generateOnCi('ci3.pub.json', 'pem');
    expect((await s.cli(['delegation', 'remove', 'app-ci'])).code).toBe(0);
    const add = await s.cli(['delegation', 'add', 'app-ci', '--key', join(s.dir, 'ci3.pub.json.pem'), '--paths', 'app:*']);
    expect(add.code, add.stderr).toBe(0);
    expect((await verify(['2.0'])).code).toBe(1);
    await ciSigns('2.0');
    const after = await verify(['2.0']);
    expect(after.code).toBe(0);
    expect(after.report.results[0]).toMatchObject({ ok: true, role: 'app-ci' });
  });

  it('has no gap with --keep: the old content verifies until the new key signs', async () => {
    await generateOnCi('ci4.pub.json', 'tuf');
    const keep = await s.cli(['key', 'rotate', 'app-ci', '--keep', '--key', join(s.dir, 'ci4.pub.json.tuf')]);
    expect(keep.code, keep.stderr).toBe(0);
    expect(keep.stderr).toContain('still meets its keys');
    expect((await verify(['2.0'])).code).toBe(0);
    await ciSigns('1.0');
    expect((await verify(['1.0', '2.0'])).code).toBe(0);
  });
});
