// Finding 5 of issue 12: verifiers sharing one SIGNET_HOME run at once (the
// admission server does). A slow session that refreshed before a revocation
// and finishes after a fast one must not write its older timestamp over the
// newer one, or a rollback to the revoked state would be accepted afterwards.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';
import { withTrustSession } from '../../src/verify/trust-session.js';
import { DirectoryStore } from '../../src/store/directory-store.js';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

let s: SignetEnv;
let trust: string;
let pin: Uint8Array;
const deployHome = () => join(s.dir, 'deploy');
const verify = (store: string) =>
  runCli(['verify', s.ref('1.0'), '--trust-repo', store, '--root', join(s.dir, 'pin.json')], { env: { SIGNET_HOME: deployHome(), PATH: process.env['PATH'] ?? '' }, cwd: s.dir });

async function trustedTimestampVersion(): Promise<number> {
  const { readdir } = await import('node:fs/promises');
  const states = (await readdir(join(deployHome(), 'trusted'))).filter((n) => /^[0-9a-f]{32}$/.test(n));
  expect(states).toHaveLength(1);
  return (JSON.parse(await readFile(join(deployHome(), 'trusted', states[0]!, 'timestamp.json'), 'utf8')) as { signed: { version: number } }).signed.version;
}

beforeAll(async () => {
  s = await makeSignetEnv();
  trust = join(s.dir, 'trust');
  const init = await s.cli(['init', trust, '--scope', 'app', '--json']);
  expect(init.code, init.stderr).toBe(0);
  pin = await readFile((JSON.parse(init.stdout) as { rootPath: string }).rootPath);
  await import('node:fs/promises').then((fs) => fs.writeFile(join(s.dir, 'pin.json'), pin));
  expect((await s.cli(['sign', s.ref('1.0')])).code).toBe(0);
  expect((await verify(trust)).code).toBe(0);
}, 300_000);
afterAll(async () => s?.cleanup());

describe('two verifiers sharing SIGNET_HOME, the slow one finishing last', () => {
  it('keeps the newer timestamp, and a later rollback to the revoked state is refused', { timeout: 300_000 }, async () => {
    expect((await s.cli(['sign', s.ref('2.0')])).code).toBe(0);
    await cp(trust, join(s.dir, 'before-revocation'), { recursive: true });
    const source = { store: new DirectoryStore(trust), pinnedRoot: pin, home: deployHome() };

    // The slow session refreshes now (timestamp v3) and is held until the fast one is done.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let refreshed!: () => void;
    const slowRefreshed = new Promise<void>((resolve) => (refreshed = resolve));
    const slow = withTrustSession(source, async (session) => {
      expect(await session.lookup('app:1.0')).toBeDefined();
      refreshed();
      await held;
    });
    await slowRefreshed;

    const revoke = await s.cli(['revoke', s.ref('1.0')]);
    expect(revoke.code, revoke.stderr).toBe(0);
    // The fast session sees the revocation (timestamp v4) and finishes first.
    await withTrustSession(source, async (session) => {
      expect(await session.lookup('app:1.0')).toBeUndefined();
    });
    expect(await trustedTimestampVersion()).toBe(4);
    release();
    await slow;
    expect(await trustedTimestampVersion()).toBe(4);

    const replay = await verify(join(s.dir, 'before-revocation'));
    expect(replay.code).toBe(1);
    expect(replay.stderr).toMatch(/older than what this machine already trusts/);
  });
});
