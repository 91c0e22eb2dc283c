import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { readPolicy } from '../../src/policy/trust-policy.js';
import { runCli } from '../../src/cli/run-cli.js';
import { installNetworkGuard, type NetworkGuard } from '../ceremony/network-guard.js';

// The connected machine signs and bundles; the air-gapped one has its own
// SIGNET_HOME holding nothing but a copy of the pinned root.
let s: SignetEnv;
let pin: string;
let airHome: string;
const tarball = 'file:dist/app-1.2.3.tar.gz';

beforeAll(async () => {
  s = await makeSignetEnv();
  expect((await s.cli(['init', join(s.dir, 'trust'), '--scope', '**'])).code).toBe(0);
  const policy = await readPolicy(join(s.home, 'policy.json'));
  await mkdir(join(s.dir, 'dist'));
  await writeFile(join(s.dir, 'dist', 'app-1.2.3.tar.gz'), 'release tarball');
  const sign = await s.cli(['sign', s.ref('1.0'), tarball]);
  expect(sign.code, sign.stderr).toBe(0);
  airHome = join(s.dir, 'air-home');
  await mkdir(airHome);
  pin = join(s.dir, 'pinned-root.json');
  await copyFile(policy.trust[0]!.root, pin);
});
afterAll(async () => s.cleanup());

let guard: NetworkGuard | undefined;
afterEach(() => {
  guard?.restore();
  guard = undefined;
  vi.useRealTimers();
});

/** Run the CLI as the air-gapped machine, with every way to reach the network tripped. */
async function airGapped(args: string[]) {
  guard = installNetworkGuard();
  try {
    return await runCli(args, { env: { SIGNET_HOME: airHome, PATH: process.env['PATH'] ?? '' }, cwd: s.dir });
  } finally {
    guard.restore();
    expect(guard.attempts).toEqual([]);
    guard = undefined;
  }
}

async function bundle(out: string, extra: string[] = []) {
  const made = await s.cli(['bundle', 'create', '--out', out, s.ref('1.0'), tarball, ...extra]);
  expect(made.code, made.stderr).toBe(0);
  return made;
}

describe('a bundle made on a connected machine', () => {
  it('verifies an image and a file with no network at all, from a tar and from a directory', async () => {
    const made = await bundle('first.tar', ['--json']);
    const report = JSON.parse(made.stdout);
    expect(report.format).toBe('tar');
    expect(report.repositories[0].names).toEqual(['app', 'files/app-1.2.3.tar.gz']);
    // A plain ustar file: the system tar lists it.
    const listed = execFileSync('tar', ['-tf', join(s.dir, 'first.tar')], { encoding: 'utf8' });
    expect(listed).toContain('bundle.json');
    expect(listed).toMatch(/trust\/0\/1\.root\.json/);

    const verify = await airGapped(['verify', '--bundle', 'first.tar', '--root', pin, s.ref('1.0'), tarball]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/^app@sha256:[0-9a-f]{64}\nfiles\/app-1\.2\.3\.tar\.gz@sha256:[0-9a-f]{64}\n$/);

    await bundle('first-dir');
    const fromDir = await airGapped(['verify', '--bundle', 'first-dir', '--root', pin, tarball]);
    expect(fromDir.code, fromDir.stderr).toBe(0);
  });

  it('still refuses a changed file and an unsigned one (exit 1)', async () => {
    await writeFile(join(s.dir, 'dist', 'other.bin'), 'x');
    const verify = await airGapped(['verify', '--bundle', 'first.tar', '--root', pin, 'file:dist/other.bin']);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain('files/other.bin is not signed');
  });

  it('works as a store location (bundle:PATH) any trust source can name', async () => {
    const verify = await airGapped(['verify', '--trust-repo', 'bundle:first.tar', '--root', pin, tarball]);
    expect(verify.code, verify.stderr).toBe(0);
  });
});

describe('freshness across the gap', () => {
  it('refuses a bundle whose timestamp expired (exit 1), saying when and how to refresh it', async () => {
    await bundle('stale.tar');
    const timestamp = JSON.parse((await readFile(join(s.dir, 'trust', 'timestamp.json'))).toString()).signed.expires as string;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(Date.parse(timestamp) + 60_000));
    const verify = await runCli(['verify', '--bundle', 'stale.tar', '--root', pin, tarball], { env: { SIGNET_HOME: join(s.dir, 'other-air-home'), PATH: '' }, cwd: s.dir });
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain(`timestamp expired ${timestamp.replace(/:\d\dZ$/, '')}`);
    expect(verify.stderr).toContain('make a fresh one on the connected machine with `signet bundle create`');
  });

});

describe('images in a bundle (--with-images)', () => {
  it('pulls a verified image out of the bundle into a layout with no network, and refuses a tampered blob', async () => {
    await bundle('with-images.tar', ['--with-images']);
    const pull = await airGapped(['pull', 'app:1.0', '--bundle', 'with-images.tar', '--root', pin, '--to', 'pulled', '--json']);
    expect(pull.code, pull.stderr).toBe(0);
    const report = JSON.parse(pull.stdout);
    expect(report.verified).toMatch(/^app@sha256:[0-9a-f]{64}$/);
    expect(report.blobs).toBeGreaterThan(0);
    // The pulled layout verifies like any other.
    expect((await airGapped(['verify', '--bundle', 'with-images.tar', '--root', pin, '--name', 'app', `oci-layout:${join(s.dir, 'pulled')}:1.0`])).code).toBe(0);

    await bundle('with-images-dir', ['--with-images']);
    const blobs = join(s.dir, 'with-images-dir', 'images', 'app', 'blobs', 'sha256');
    const index = JSON.parse(await readFile(join(s.dir, 'with-images-dir', 'images', 'app', 'index.json'), 'utf8'));
    const top = index.manifests.find((m: { annotations?: Record<string, string> }) => m.annotations?.['org.opencontainers.image.ref.name'] === '1.0');
    // Tamper with one layer blob (not a manifest, which verification would catch first).
    const manifests = [top.digest.slice(7)];
    const layers: string[] = [];
    for (const hex of manifests) {
      const doc = JSON.parse(await readFile(join(blobs, hex), 'utf8'));
      for (const m of doc.manifests ?? []) manifests.push(m.digest.slice(7));
      for (const l of doc.layers ?? []) layers.push(l.digest.slice(7));
    }
    await writeFile(join(blobs, layers[0]!), 'tampered layer');
    const tampered = await airGapped(['pull', 'app:1.0', '--bundle', 'with-images-dir', '--root', pin, '--to', 'pulled-2']);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toMatch(/blob sha256:[0-9a-f]{64}/);
    expect(await readdir(s.dir)).not.toContain('pulled-2');
  });
});

describe('signet bundle create', () => {
  it('refuses to bundle a name that is not signed (exit 1) and leaves nothing behind', async () => {
    const made = await s.cli(['bundle', 'create', '--out', 'bad', 'file:dist/other.bin']);
    expect(made.code).toBe(1);
    expect(made.stderr).toContain('files/other.bin is not signed');
    expect(await readdir(s.dir)).not.toContain('bad');
  });

  it('refuses to overwrite an existing bundle (exit 2)', async () => {
    const made = await s.cli(['bundle', 'create', '--out', 'first.tar', tarball]);
    expect(made.code).toBe(2);
    expect(made.stderr).toContain('already exists');
  });
});
