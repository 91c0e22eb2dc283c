// dist/signet.mjs loads the CLI (dist/signet-cli.cjs) with a V8 code cache
// made at build time. The cache must be accepted by the Node that built it
// (else the start-up work it saves silently comes back), and a cache V8
// refuses (damaged, another Node) or a missing one must change nothing but speed.
// Which commands get registered per run is checked here too (commandsFor).

import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBundle } from '../../src/cli/code-cache.js';
import { COMMANDS, commandsFor } from '../../src/cli/commands/index.js';

const run = promisify(execFile);
const DIST = resolve('dist');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'signet-code-cache-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Run `node <dist>/signet.mjs demo` in a fresh directory; its exit code and output. */
async function demo(dist: string, name: string): Promise<{ code: number; stdout: string }> {
  const work = join(dir, name);
  const env = { ...process.env, SIGNET_HOME: join(work, 'home') };
  try {
    const { stdout } = await run(process.execPath, [join(dist, 'signet.mjs'), 'demo', '--dir', join(work, 'demo')], { env, timeout: 120_000 });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    throw new Error(`demo exited ${e.code}: ${e.stderr}`);
  }
}

/** The demo's output without the parts that differ per run (paths, digests of fresh keys, times). */
const shape = (text: string) => text.replace(/\/tmp\/\S+/g, 'PATH').replace(/[0-9a-f]{12,64}/g, 'HEX').replace(/\d{4}-\d\d-\d\dT[\d:]+Z/g, 'TIME');

describe('the CLI bundle and its code cache', () => {
  it('the build made a cache that this Node accepts', () => {
    const bundle = join(DIST, 'signet-cli.cjs');
    const loaded = loadBundle<{ runCli: unknown }>(bundle, `${bundle}.cache`);
    expect(loaded.cacheUsed).toBe(true);
    expect(typeof loaded.exports.runCli).toBe('function');
  });

  it('a cache is used only with the very bundle it was made from (V8 itself checks only the length)', async () => {
    const edited = join(dir, 'dist-edited');
    await cp(DIST, edited, { recursive: true });
    const bundle = join(edited, 'signet-cli.cjs');
    const text = await readFile(bundle, 'latin1');
    const at = text.indexOf('Content trust for container images');
    expect(at).toBeGreaterThan(0);
    // Same length, one letter changed: V8 would accept the old cache and run the old code.
    await writeFile(bundle, `${text.slice(0, at)}Kontent${text.slice(at + 'Content'.length)}`, 'latin1');
    expect(loadBundle(bundle, `${bundle}.cache`).cacheUsed).toBe(false);
    const help = await run(process.execPath, [join(edited, 'signet.mjs'), '--help']);
    expect(help.stdout).toContain('Kontent trust for container images');
  });

  it('a damaged cache or none at all: the CLI compiles as usual and does the same work', async () => {
    const damaged = join(dir, 'dist-damaged');
    const missing = join(dir, 'dist-missing');
    await cp(DIST, damaged, { recursive: true });
    await cp(DIST, missing, { recursive: true });
    await writeFile(join(damaged, 'signet-cli.cjs.cache'), Buffer.alloc(4096, 0x5a));
    await rm(join(missing, 'signet-cli.cjs.cache'));
    const bundle = join(damaged, 'signet-cli.cjs');
    expect(loadBundle(bundle, `${bundle}.cache`).cacheUsed).toBe(false);
    const [normal, withDamaged, withMissing] = await Promise.all([demo(DIST, 'a'), demo(damaged, 'b'), demo(missing, 'c')]);
    expect(normal.stdout).toContain('Demo finished: signing, verification and revocation behaved as expected.');
    expect(shape(withDamaged.stdout)).toBe(shape(normal.stdout));
    expect(shape(withMissing.stdout)).toBe(shape(normal.stdout));
  }, 180_000);
});

describe('commandsFor: only the command a run names is registered', () => {
  const registerOf = (name: string) => COMMANDS.filter(([n]) => n === name).map(([, r]) => r);
  it('picks the named command, after the global --home', () => {
    expect(commandsFor(['verify', 'oci-layout:./x:1'])).toEqual(registerOf('verify'));
    expect(commandsFor(['--home', 'verify', 'sign', 'x'])).toEqual(registerOf('sign'));
    expect(commandsFor(['--home=/h', 'trust', 'list'])).toEqual(registerOf('trust'));
  });
  it('both registrations of `key` (the group and key rotate|revoke)', () => {
    expect(commandsFor(['key', 'rotate', 'targets'])).toHaveLength(2);
  });
  it('every command for --help, help X, an unknown name and completion', () => {
    for (const argv of [[], ['--help'], ['help', 'verify'], ['verfy'], ['completion', 'bash']]) expect(commandsFor(argv)).toHaveLength(COMMANDS.length);
  });
});
