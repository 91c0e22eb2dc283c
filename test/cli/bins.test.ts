import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readdir, readFile } from 'node:fs/promises';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

let s: SignetEnv;
beforeEach(async () => {
  s = await makeSignetEnv();
});
afterEach(async () => {
  await s.cleanup();
});

const trust = () => join(s.dir, 'trust');

describe('signet init --bins', () => {
  it('creates a binned repository in which signed tags verify', async () => {
    const init = await s.cli(['init', trust(), '--scope', 'app', '--bins', '16']);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('16 hashed bins');
    expect((await readdir(trust())).filter((f) => /^1\.bins-[0-9a-f]\.json$/.test(f))).toHaveLength(16);
    expect((await s.cli(['sign', s.ref('1.0'), s.ref('2.0')])).code).toBe(0);
    const verify = await s.cli(['verify', s.ref('1.0'), s.ref('2.0')]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('refuses a bin count that is not a power of two with exit 2', async () => {
    const init = await s.cli(['init', trust(), '--bins', '1000']);
    expect(init.code).toBe(2);
    expect(init.stderr).toContain('power of two');
  });
});

describe('signet bins migrate', () => {
  it('moves a flat repository to bins and every signed tag still verifies', async () => {
    await s.cli(['init', trust(), '--scope', 'app']);
    expect((await s.cli(['sign', s.ref('1.0'), s.ref('2.0')])).code).toBe(0);
    expect((await s.cli(['verify', s.ref('1.0')])).code).toBe(0); // caches the flat metadata
    const migrate = await s.cli(['bins', 'migrate', trust(), '--bit-length', '3', '--json']);
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(JSON.parse(migrate.stdout)).toMatchObject({ bins: 8, bitLength: 3 });
    const verify = await s.cli(['verify', s.ref('1.0'), s.ref('2.0')]);
    expect(verify.code, verify.stderr).toBe(0);
    const status = await s.cli(['bins', 'status', trust(), '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ bins: 8, targetsInTopLevel: 0 });
  });

  it('refuses a repository that already uses bins with exit 2', async () => {
    await s.cli(['init', trust(), '--bins']);
    const migrate = await s.cli(['bins', 'migrate', trust()]);
    expect(migrate.code).toBe(2);
    expect(migrate.stderr).toContain('already uses 512 hashed bins');
  });
});

describe('bulk sign and verify progress', () => {
  it('draws a bar on stderr when it is a terminal, and nothing on stdout', async () => {
    const { runCli } = await import('../../src/cli/run-cli.js');
    await s.cli(['init', trust(), '--scope', 'app']);
    const run = (args: string[]) => runCli(args, { env: s.env, cwd: s.dir, stderrIsTTY: true });
    const sign = await run(['sign', s.ref('1.0'), s.ref('2.0')]);
    expect(sign.code, sign.stderr).toBe(0);
    expect(sign.stderr).toContain('resolving [');
    const verify = await run(['verify', s.ref('1.0'), s.ref('2.0')]);
    expect(verify.stderr).toContain('verifying [');
    expect(verify.stdout).not.toContain('[');
  });

  it('draws no bar when stderr is not a terminal', async () => {
    await s.cli(['init', trust(), '--scope', 'app']);
    const sign = await s.cli(['sign', s.ref('1.0'), s.ref('2.0')]);
    expect(sign.stderr).not.toContain('resolving [');
  });
});

describe('bulk work in one process', () => {
  it('signs many references with one publish (the timestamp version goes up by one)', async () => {
    await s.cli(['init', trust(), '--scope', 'app', '--bins', '8']);
    const version = async () => JSON.parse(await readFile(join(trust(), 'timestamp.json'), 'utf8')).signed.version as number;
    const before = await version();
    const sign = await s.cli(['sign', s.ref('1.0'), s.ref('2.0')]);
    expect(sign.code, sign.stderr).toBe(0);
    expect(await version()).toBe(before + 1);
  });

  it('verifies many references with one TUF refresh (a warm call downloads one timestamp)', async () => {
    await s.cli(['init', trust(), '--scope', 'app', '--bins', '8']);
    await s.cli(['sign', s.ref('1.0'), s.ref('2.0')]);
    await s.cli(['verify', s.ref('1.0'), s.ref('2.0')]);
    const one = JSON.parse((await s.cli(['verify', s.ref('1.0'), '--json'])).stdout);
    const two = JSON.parse((await s.cli(['verify', s.ref('1.0'), s.ref('2.0'), '--json'])).stdout);
    expect(two.results).toHaveLength(2);
    expect(two.bytesDownloaded).toBe(one.bytesDownloaded);
    const timestamp = await readFile(join(trust(), 'timestamp.json'));
    expect(two.bytesDownloaded).toBe(timestamp.length);
  });
});

describe('the README hashed bins example', () => {
  it('runs as written', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Large repositories'));
    const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
    const commands = block
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter((line) => line.startsWith('signet '))
      .map((line) => [...line.slice('signet '.length).matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!));
    expect(commands.length).toBeGreaterThan(2);
    for (const args of commands) {
      const result = await s.cli(args);
      expect(result.code, `signet ${args.join(' ')}\n${result.stderr}`).toBe(0);
    }
    const status = await s.cli(['bins', 'status', './trust', '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ bins: 1024 });
  });
});

describe('a flat repository that grows large', () => {
  it('moves to hashed bins in the publish that takes it past 500 tags, and a verifier holding the flat metadata follows', async () => {
    const { addToLayout, sampleManifest } = await import('../../src/image/sample-images.js');
    const tagsToSign = Array.from({ length: 501 }, (_, i) => `v${i}`);
    for (const tag of tagsToSign) await addToLayout(s.layout, tag, sampleManifest(tag));
    await s.cli(['init', trust(), '--scope', 'app']);
    const small = await s.cli(['sign', s.ref('v0')]);
    expect(small.stderr).not.toContain('hashed bins');
    expect((await s.cli(['verify', s.ref('v0')])).code).toBe(0); // caches the flat metadata
    const sign = await s.cli(['sign', ...tagsToSign.slice(1).map((t) => s.ref(t))]);
    expect(sign.code, sign.stderr).toBe(0);
    expect(sign.stderr).toContain('moved its 1002 targets to 512 hashed bins in this publish');
    const status = await s.cli(['bins', 'status', trust(), '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ bins: 512, targetsInTopLevel: 0 });
    const verify = await s.cli(['verify', s.ref('v0'), s.ref('v500')]);
    expect(verify.code, verify.stderr).toBe(0);
    // Signing more goes into the bins; nothing moves again.
    await addToLayout(s.layout, 'w1', sampleManifest('w1'));
    const more = await s.cli(['sign', s.ref('w1')]);
    expect(more.code, more.stderr).toBe(0);
    expect(more.stderr).not.toContain('hashed bins');
    expect((await s.cli(['verify', s.ref('w1')])).code).toBe(0);
  });
});
