// SECURITY.md's root ceremony and rotation, run literally: each `sh step=…`
// block goes to bash, on the "machine" that step names (its own SIGNET_HOME),
// with `signet` on PATH as a fresh bundle of this tree. Only the variables the
// document asks the reader to set ($USB, $NAME, …) and passphrases are supplied.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { buildCliBundle } from '../scripts/build-cli-bundle.mjs';
import { writeSampleLayout } from '../src/image/sample-images.js';

const run = promisify(execFile);
const REPO = new URL('..', import.meta.url).pathname;

let dir: string;
let bin: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'signet-security-md-'));
  bin = join(dir, 'bin');
  await build({
    entryPoints: { signet: join(REPO, 'src/cli/bin.ts') },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir: join(dir, 'bundle'),
    outExtension: { '.js': '.mjs' },
    logLevel: 'error',
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
  });
  await buildCliBundle(join(dir, 'bundle', 'signet-cli.cjs'));
  await mkdir(bin);
  await writeFile(join(bin, 'signet'), `#!/bin/sh\nexec "${process.execPath}" "${join(dir, 'bundle', 'signet.mjs')}" "$@"\n`);
  await chmod(join(bin, 'signet'), 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The `sh step=NAME` blocks of SECURITY.md, by step name. */
async function steps(): Promise<Map<string, string>> {
  const text = await readFile(join(REPO, 'SECURITY.md'), 'utf8');
  const out = new Map<string, string>();
  for (const match of text.matchAll(/```sh step=([a-z-]+)\n([\s\S]*?)```/g)) out.set(match[1]!, match[2]!);
  return out;
}

describe('SECURITY.md root ceremony, followed literally', () => {
  it('produces a 2-of-3 root that signet verify accepts, and a rotated root that old clients walk to', async () => {
    const blocks = await steps();
    expect([...blocks.keys()]).toEqual(['holder-keygen', 'online-keygen', 'create', 'holder-sign', 'check', 'init', 'release', 'deploy', 'rotate', 'rotate-sign', 'rotate-check', 'rotate-publish']);
    const usb = join(dir, 'usb');
    await mkdir(usb);
    await writeSampleLayout(join(dir, 'images', 'app'));
    const shared = { PATH: `${bin}:${process.env['PATH'] ?? ''}`, USB: usb, TRUST_REPO: join(dir, 'trust'), SCOPE: 'app', IMAGE: `oci-layout:${join(dir, 'images', 'app')}:1.0`, NO_COLOR: '1' };
    const machines: Record<string, Record<string, string>> = {
      coordinator: { SIGNET_HOME: join(dir, 'coordinator') },
      online: { SIGNET_HOME: join(dir, 'online'), SIGNET_PASSPHRASE_TARGETS: 'TEST-ONLY t', SIGNET_PASSPHRASE_SNAPSHOT: 'TEST-ONLY s', SIGNET_PASSPHRASE_TIMESTAMP: 'TEST-ONLY ts' },
      deploy: { SIGNET_HOME: join(dir, 'deploy') },
    };
    for (const name of ['alice', 'bob', 'carol', 'dave']) {
      await mkdir(join(dir, `backup-${name}`));
      machines[name] = { SIGNET_HOME: join(dir, `machine-${name}`), NAME: name, BACKUP: join(dir, `backup-${name}`), SIGNET_PASSPHRASE_ROOT: `TEST-ONLY ${name}` };
    }
    const outputs: string[] = [];
    const step = async (name: string, machine: string) => {
      const script = blocks.get(name)!;
      try {
        const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], { env: { ...shared, ...machines[machine] }, cwd: dir });
        outputs.push(stdout);
        return stdout;
      } catch (error) {
        const e = error as { stdout?: string; stderr?: string };
        throw new Error(`step ${name} on ${machine} failed:\n${script}\n${e.stderr ?? ''}${e.stdout ?? ''}`);
      }
    };

    for (const holder of ['alice', 'bob', 'carol']) await step('holder-keygen', holder);
    await step('online-keygen', 'online');
    await step('create', 'coordinator');
    await step('holder-sign', 'alice');
    await step('holder-sign', 'bob');
    expect(await step('check', 'coordinator')).toContain('Threshold of root v1: 2 of 2 required signatures, met');
    await step('init', 'online');
    await step('release', 'online');
    const verified = await step('deploy', 'deploy');
    expect(verified).toMatch(/^app@sha256:[0-9a-f]{64}\n$/);

    // The backups are encrypted key files that import elsewhere with the passphrase.
    expect(JSON.parse(await readFile(join(dir, 'backup-alice', 'root-alice.key'), 'utf8'))).toMatchObject({ format: 'signet-key/v1', cipher: { name: 'aes-256-gcm' } });

    await step('holder-keygen', 'dave');
    await step('rotate', 'coordinator');
    await step('rotate-sign', 'alice');
    await step('rotate-sign', 'bob');
    const check = await step('rotate-check', 'coordinator');
    expect(check).toContain('Threshold of root v2: 2 of 2 required signatures, met');
    expect(check).toContain('Threshold of root v1: 2 of 2 required signatures, met');
    await step('rotate-publish', 'online');
    expect(JSON.parse(await readFile(join(dir, 'trust', '2.root.json'), 'utf8')).signed.version).toBe(2);

    // The deploy machine still pins the first root.json and walks to root v2.
    expect(await step('deploy', 'deploy')).toBe(verified);
    const trusted = await run('sh', ['-c', `cat "${join(dir, 'deploy', 'trusted')}"/*/root.json`]);
    expect(JSON.parse(trusted.stdout).signed.version).toBe(2);
    // A verifier that never saw root v2 starts from the first root.json and gets there too.
    machines['deploy'] = { SIGNET_HOME: join(dir, 'deploy-new') };
    expect(await step('deploy', 'deploy')).toBe(verified);
  });
});

describe('SECURITY.md threat table', () => {
  it('names only test files that exist, and names one for every TUF attack', async () => {
    const text = await readFile(join(REPO, 'SECURITY.md'), 'utf8');
    const start = text.indexOf('## Threat table');
    expect(start).toBeGreaterThan(0);
    const next = text.indexOf('\n## ', start + 1);
    const table = text.slice(start, next < 0 ? undefined : next);
    const files = [...table.matchAll(/`(test\/[^`]+\.test\.ts)`/g)].map((m) => m[1]!);
    expect(files.length).toBeGreaterThan(10);
    const { access } = await import('node:fs/promises');
    const missing: string[] = [];
    for (const file of new Set(files)) await access(join(REPO, file)).catch(() => missing.push(file));
    expect(missing).toEqual([]);
    for (const attack of ['Arbitrary software', 'Rollback', 'Freeze', 'Mix-and-match', 'Fast-forward', 'Endless data', 'Wrong key', 'Below threshold', 'Revoked key']) {
      expect(table).toMatch(new RegExp(`^\\| ${attack} \\|.*\`test/`, 'm'));
    }
  });
});
