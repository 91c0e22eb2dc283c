// The single executable (scripts/build-sea.mjs, the linux-x64 release
// artifact): built from this checkout, it runs the demo and a verify on a
// machine where no `node` can be found on PATH.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
let dir: string;
let exe: string;
let env: Record<string, string>;

const run = (args: string[]) => spawnSync(exe, args, { env, cwd: dir, encoding: 'utf8', timeout: 120_000 });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'signet-sea-'));
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-sea.mjs'), '--out', join(dir, 'sea')], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  expect(built.status, built.stderr).toBe(0);
  exe = join(dir, 'sea', 'signet');
  // PATH is one empty directory: no node, no shell tools; and no NODE_* variables.
  mkdirSync(join(dir, 'bin'));
  env = { PATH: join(dir, 'bin'), HOME: dir, SIGNET_HOME: join(dir, 'home'), NO_COLOR: '1' };
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the single executable, with no node on PATH', () => {
  it('is one file, with nothing on PATH to lean on', () => {
    expect(existsSync(exe)).toBe(true);
    expect(spawnSync('node', ['-e', '0'], { env }).error).toMatchObject({ code: 'ENOENT' });
    const version = run(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('runs the demo, then verifies a signed image and refuses a tampered one', () => {
    const demo = run(['demo', '--dir', join(dir, 'demo')]);
    expect(demo.status, demo.stderr).toBe(0);
    expect(demo.stdout).toContain('Demo finished');
    expect(demo.stderr).not.toContain('Warning');

    const home = { ...env, SIGNET_HOME: join(dir, 'demo', 'signet-home') };
    const verify = spawnSync(exe, ['verify', `oci-layout:${join(dir, 'demo', 'images', 'app')}:3.0`, '--name', 'app', '--json'], { env: home, encoding: 'utf8', timeout: 60_000 });
    expect(verify.status, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
    expect(verify.stderr).toBe('');

    // The demo re-pointed app:1.0 at another manifest: still refused.
    const tampered = spawnSync(exe, ['verify', `oci-layout:${join(dir, 'demo', 'images', 'app')}:1.0`, '--name', 'app'], { env: home, encoding: 'utf8', timeout: 60_000 });
    expect(tampered.status).toBe(1);
  });
});
