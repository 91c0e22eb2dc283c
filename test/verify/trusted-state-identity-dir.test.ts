// Finding 1 of issue 12, directory stores: the verifier's rollback and
// revocation memory belongs to the trust repository (its root chain), so a
// saved copy, a symlink, or a pin replaced by a newer root of the same chain
// never gets a fresh memory that would accept a revoked image again.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, cp, mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

let s: SignetEnv;
let trust: string;
let pin1: string;

/** The deploy machine: its own SIGNET_HOME, only a pinned root. */
const deployer = (home: string, store: string, pin: string) =>
  runCli(['verify', s.ref('1.0'), '--trust-repo', store, '--root', pin], { env: { SIGNET_HOME: join(s.dir, home), PATH: process.env['PATH'] ?? '' }, cwd: s.dir });

beforeAll(async () => {
  s = await makeSignetEnv();
  trust = join(s.dir, 'trust');
  const init = await s.cli(['init', trust, '--scope', 'app', '--json']);
  expect(init.code, init.stderr).toBe(0);
  pin1 = join(s.dir, 'pins', 'root-v1.json');
  await mkdir(join(s.dir, 'pins'));
  await copyFile((JSON.parse(init.stdout) as { rootPath: string }).rootPath, pin1);
  const sign = await s.cli(['sign', s.ref('1.0'), s.ref('2.0')]);
  expect(sign.code, sign.stderr).toBe(0);
  // The deploy machine trusts 1.0, someone saves the store as it is, then 1.0 is revoked and the machine learns it.
  expect((await deployer('deploy', trust, pin1)).code).toBe(0);
  await cp(trust, join(s.dir, 'saved'), { recursive: true });
  const revoke = await s.cli(['revoke', s.ref('1.0'), '--reason', 'compromised build']);
  expect(revoke.code, revoke.stderr).toBe(0);
  const learned = await deployer('deploy', trust, pin1);
  expect(learned.code).toBe(1);
  expect(learned.stderr).toMatch(/no longer signed/);
}, 300_000);
afterAll(async () => s?.cleanup());

describe('rollback through another spelling of a directory store', () => {
  it('the saved copy verifies 1.0 on a fresh machine (the attack data is valid)', async () => {
    expect((await deployer('fresh', join(s.dir, 'saved'), pin1)).code).toBe(0);
  });

  it('refuses the saved copy on the machine that learned the revocation, with exit 1', async () => {
    const replay = await deployer('deploy', join(s.dir, 'saved'), pin1);
    expect(replay.code).toBe(1);
    expect(replay.stderr).toMatch(/older than what this machine already trusts/);
  });

  it('refuses the saved copy reached through a symlink, with exit 1', async () => {
    await symlink(join(s.dir, 'saved'), join(s.dir, 'link'));
    const replay = await deployer('deploy', join(s.dir, 'link'), pin1);
    expect(replay.code).toBe(1);
    expect(replay.stderr).toMatch(/older than what this machine already trusts/);
  });
});

describe('the pin replaced by a newer root of the same chain', { timeout: 300_000 }, () => {
  // Root rotations that keep the online keys: the saved metadata still verifies under the new roots.
  const rotate = async (version: number): Promise<string> => {
    const rotated = await s.cli(['key', 'rotate', 'targets', '--keep']);
    expect(rotated.code, rotated.stderr).toBe(0);
    const pin = join(s.dir, 'pins', `root-v${version}.json`);
    await copyFile(join(trust, `${version}.root.json`), pin);
    return pin;
  };

  it('keeps the memory for a root one version ahead (verified directly by the pinned one)', async () => {
    const pin2 = await rotate(2);
    const replay = await deployer('deploy', join(s.dir, 'saved'), pin2);
    expect(replay.code).toBe(1);
    expect(replay.stderr).toMatch(/older than what this machine already trusts/);
  });

  it('refuses to start a fresh memory when the store hides the roots between (exit 3)', async () => {
    // The machine has verified roots v1 and v2; v3 is needed to reach a pin v4.
    await rotate(3);
    const pin4 = await rotate(4);
    expect((await deployer('fresh-4', join(s.dir, 'saved'), pin4)).code).toBe(0);
    const replay = await deployer('deploy', join(s.dir, 'saved'), pin4);
    expect(replay.code).toBe(3);
    expect(replay.stderr).toMatch(/does not serve the N\.root\.json files that connect the pin/);
  });

  it('connects the pin through the roots the store serves, and keeps the memory', async () => {
    const pin4 = join(s.dir, 'pins', 'root-v4.json');
    for (const v of [2, 3, 4]) await copyFile(join(trust, `${v}.root.json`), join(s.dir, 'saved', `${v}.root.json`));
    const replay = await deployer('deploy', join(s.dir, 'saved'), pin4);
    expect(replay.code).toBe(1);
    expect(replay.stderr).toMatch(/older than what this machine already trusts/);
    const real = await deployer('deploy', trust, pin4);
    expect(real.code).toBe(1);
    expect(real.stderr).toMatch(/no longer signed/);
  });
});
