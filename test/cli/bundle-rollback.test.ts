import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { readPolicy } from '../../src/policy/trust-policy.js';
import { runCli } from '../../src/cli/run-cli.js';
import { installNetworkGuard } from '../ceremony/network-guard.js';

// Rollback memory across bundles comes from the verifier's ordinary trusted
// state, keyed by the repository (its root chain), not by where a bundle sits.
let s: SignetEnv;
let pin: string;
let airHome: string;
const tarball = 'file:dist/app.tar.gz';

beforeAll(async () => {
  s = await makeSignetEnv();
  expect((await s.cli(['init', join(s.dir, 'trust'), '--scope', '**'])).code).toBe(0);
  await mkdir(join(s.dir, 'dist'));
  await writeFile(join(s.dir, 'dist', 'app.tar.gz'), 'release tarball');
  expect((await s.cli(['sign', tarball])).code).toBe(0);
  pin = join(s.dir, 'pinned-root.json');
  await copyFile((await readPolicy(join(s.home, 'policy.json'))).trust[0]!.root, pin);
  airHome = join(s.dir, 'air-home');
});
afterAll(async () => s.cleanup());

async function airGapped(args: string[]) {
  const guard = installNetworkGuard();
  try {
    return await runCli(args, { env: { SIGNET_HOME: airHome, PATH: '' }, cwd: s.dir });
  } finally {
    guard.restore();
    expect(guard.attempts).toEqual([]);
  }
}

describe('when an older bundle is carried in after a newer one (rollback)', () => {
  it('refuses it (exit 1) and keeps trusting the newer state', async () => {
    expect((await s.cli(['bundle', 'create', '--out', 'older.tar', tarball])).code).toBe(0);
    const refresh = await s.cli(['timestamp']);
    expect(refresh.code, refresh.stderr).toBe(0);
    expect((await s.cli(['bundle', 'create', '--out', 'newer.tar', tarball])).code).toBe(0);

    const newer = await airGapped(['verify', '--bundle', 'newer.tar', '--root', pin, tarball]);
    expect(newer.code, newer.stderr).toBe(0);
    const older = await airGapped(['verify', '--bundle', 'older.tar', '--root', pin, tarball]);
    expect(older.code).toBe(1);
    expect(older.stderr).toContain('possible rollback attack');
    expect((await airGapped(['verify', '--bundle', 'newer.tar', '--root', pin, tarball])).code).toBe(0);
  });

  it('refuses it even when the older bundle is unpacked into a directory elsewhere', async () => {
    await mkdir(join(s.dir, 'elsewhere'));
    const { execFileSync } = await import('node:child_process');
    execFileSync('tar', ['-xf', join(s.dir, 'older.tar'), '-C', join(s.dir, 'elsewhere')]);
    const older = await airGapped(['verify', '--bundle', 'elsewhere', '--root', pin, tarball]);
    expect(older.code).toBe(1);
    expect(older.stderr).toContain('possible rollback attack');
  });
});
