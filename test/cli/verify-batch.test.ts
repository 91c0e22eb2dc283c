import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { makeSignetEnv, TEST_PASSPHRASE, type SignetEnv } from '../support/signet-env.js';
import { Keystore } from '../../src/keys/keystore.js';
import { SignetError, worstExit, type ErrorKind } from '../../src/errors.js';
import { VERIFY_ERROR_CODES, VERIFY_SCHEMA_VERSION, type VerifyReport } from '../../src/verify/verify-result.js';

let s: SignetEnv;
beforeAll(async () => {
  s = await makeSignetEnv();
  expect((await s.cli(['init', join(s.dir, 'trust'), '--scope', 'app'])).code).toBe(0);
  const ci = await new Keystore(s.home).generate('app-ci', 'test', async () => TEST_PASSPHRASE);
  const add = await s.cli(['delegation', 'add', 'app-ci', '--key', ci.keyId, '--paths', 'app:2.*']);
  expect(add.code, add.stderr).toBe(0);
  const sign = await s.cli(['sign', s.ref('1.0')]);
  expect(sign.code, sign.stderr).toBe(0);
  const delegated = await s.cli(['sign', '--role', 'app-ci', s.ref('2.0')]);
  expect(delegated.code, delegated.stderr).toBe(0);
});
afterAll(async () => s.cleanup());

async function verifyJson(refs: string[], extra: string[] = []): Promise<{ code: number; report: VerifyReport; stderr: string }> {
  const run = await s.cli(['verify', '--json', ...extra, ...refs]);
  return { code: run.code, report: JSON.parse(run.stdout) as VerifyReport, stderr: run.stderr };
}

describe('signet verify --json with several references', () => {
  it('prints one result per reference, in order, even for malformed, uncovered and missing ones', async () => {
    const refs = [s.ref('1.0'), 'oci-layout:', 'Not_A/valid::ref', `oci-layout:${s.layout}:9.9`, s.ref('2.0'), '127.0.0.1:1/elsewhere/web:1'];
    const { code, report } = await verifyJson(refs);
    expect(report.schemaVersion).toBe(VERIFY_SCHEMA_VERSION);
    expect(report.results.map((r) => r.reference)).toEqual(refs);
    const codes = report.results.map((r) => (r.ok ? 'ok' : r.error.code));
    expect(codes).toEqual(['ok', 'bad-reference', 'bad-reference', 'image-not-found', 'ok', 'no-trust-repository']);
    expect(code).toBe(1);
    expect(report.exitCode).toBe(1);
    expect(report.ok).toBe(false);
  });

  it('names the role that signed each image: targets, or the delegated role', async () => {
    const { code, report } = await verifyJson([s.ref('1.0'), s.ref('2.0')]);
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.results.map((r) => (r.ok ? r.role : r.error.code))).toEqual(['targets', 'app-ci']);
    expect(report.results.every((r) => r.ok && /^app@sha256:[0-9a-f]{64}$/.test(r.verified))).toBe(true);
  });

  it('exits 1 for a tag missing from the layout alone (nothing to deploy), not 2', async () => {
    const { code, report } = await verifyJson([s.ref('9.9')]);
    expect(code).toBe(1);
    expect(report.results[0]).toMatchObject({ ok: false, error: { code: 'image-not-found', kind: 'invalid' } });
  });

  it('exits 2 when the only failure is a usage error, and 1 as soon as one image is refused', async () => {
    expect((await verifyJson([s.ref('1.0'), 'oci-layout:'])).code).toBe(2);
    const mixed = await verifyJson(['oci-layout:', s.ref('1.0'), s.ref('3.0')]);
    expect(mixed.code).toBe(1);
    expect(mixed.report.results.map((r) => r.ok)).toEqual([false, true, false]);
  });

  it('keeps the human output: verified names on stdout, one error line per refusal on stderr', async () => {
    const run = await s.cli(['verify', s.ref('1.0'), 'oci-layout:']);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^app@sha256:[0-9a-f]{64}\n$/);
    expect(run.stderr.match(/^error: /gm)).toHaveLength(1);
  });
});

describe('the README jq lines over verify --json', () => {
  it('give what to deploy and what was refused', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const filters = [...readme.matchAll(/^signet verify --json "\$@" \| jq -r '([^']+)'/gm)].map((m) => m[1]!);
    expect(filters).toHaveLength(2);
    const run = await s.cli(['verify', '--json', s.ref('1.0'), s.ref('9.9')]);
    const jq = (filter: string) => {
      try {
        return execFileSync('jq', ['-r', filter], { input: run.stdout, encoding: 'utf8' });
      } catch (error) {
        throw new Error('jq is needed: apt-get install jq', { cause: error });
      }
    };
    expect(jq(filters[0]!)).toMatch(/^app@sha256:[0-9a-f]{64}\n$/);
    expect(jq(filters[1]!)).toBe(`${s.ref('9.9')}: image-not-found\n`);
  });

  it('documents every code of VERIFY_ERROR_CODES in the README table', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    for (const code of Object.keys(VERIFY_ERROR_CODES)) expect(readme).toContain(`\`${code}\``);
  });
});

describe('worstExit (the documented precedence)', () => {
  it('ranks invalid over inconclusive over usage over ok', () => {
    const batchExitCode = (kinds: Array<ErrorKind | 'ok'>) => worstExit(kinds.flatMap((k) => (k === 'ok' ? [] : [new SignetError(k, 'x', 'x')])));
    expect(batchExitCode([])).toBe(0);
    expect(batchExitCode(['ok', 'ok'])).toBe(0);
    expect(batchExitCode(['ok', 'usage'])).toBe(2);
    expect(batchExitCode(['usage', 'inconclusive'])).toBe(3);
    expect(batchExitCode(['inconclusive', 'usage'])).toBe(3);
    expect(batchExitCode(['inconclusive', 'invalid', 'usage'])).toBe(1);
    expect(batchExitCode(['invalid', 'inconclusive'])).toBe(1);
  });
});
