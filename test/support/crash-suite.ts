// The crash-safety check for any store: a publisher process is SIGKILLed at
// every store step of a publish in turn (enumerated from a clean run, not
// sampled); after each crash `signet verify` must accept the old state (and
// either accept or plainly refuse the new target, never report a broken
// repository), and the next publish must succeed and verify.

import { promises as fs } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { OciLayout } from '../../src/image/oci-layout.js';
import { parseLayoutReference } from '../../src/image/image-reference.js';
import { targetsFor } from '../../src/workflows/sign.js';
import { updateRepository, type TargetEntry } from '../../src/trust/trust-repository.js';
import { parseRoot } from '../../src/trust/root-chain.js';
import { openStore } from '../../src/store/open-store.js';
import type { MetadataStore } from '../../src/store/metadata-store.js';
import { initTestRepository, signersOf, type TestKeys } from './test-trust.js';

export interface CrashRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export function runNode(script: string, args: string[], env: Record<string, string> = {}): Promise<CrashRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const e = error as (NodeJS.ErrnoException & { code?: number | string; signal?: string }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr });
    });
  });
}

export interface CrashSetup {
  dir: string;
  layout: string;
  keys: TestKeys;
  publisher: string;
  /** A fresh, empty store location for case `label`. */
  location(label: string): Promise<string>;
}

async function entriesFor(layout: string, tag: string): Promise<TargetEntry[]> {
  const ref = parseLayoutReference(`oci-layout:${layout}:${tag}`);
  return targetsFor(ref, await new OciLayout(layout).getManifest(ref));
}

async function verifyCode(setup: CrashSetup, home: string, location: string, rootPath: string, tag: string): Promise<{ code: number; stderr: string }> {
  const result = await runCli(['verify', `oci-layout:${setup.layout}:${tag}`, '--trust-repo', location, '--root', rootPath], {
    env: { SIGNET_HOME: home },
    cwd: setup.dir,
  });
  return { code: result.code, stderr: result.stderr };
}

/** Returns the enumerated steps; throws (via expect) on the first unsafe crash point. */
export async function checkEveryCrashPoint(setup: CrashSetup): Promise<string[]> {
  const oldTargets = await entriesFor(setup.layout, '1.0');
  const newTargets = await entriesFor(setup.layout, '2.0');

  const prepare = async (label: string) => {
    const location = await setup.location(label);
    const store: MetadataStore = await openStore(location, setup.dir);
    const rootPath = join(setup.dir, label, 'root.json');
    const pinned = await initTestRepository(store, setup.keys, rootPath);
    await updateRepository(store, pinned, { signers: signersOf(setup.keys), now: new Date() }, async (repo) => {
      for (const t of oldTargets) await repo.addTarget(t);
    });
    const configPath = join(setup.dir, label, 'crash.json');
    const config = (crashAt: number) => fs.writeFile(configPath, JSON.stringify({ store: location, rootPath, keys: setup.keys, targets: newTargets, crashAt }));
    return { location, store, rootPath, pinned, configPath, config };
  };

  // A clean run names every step.
  const clean = await prepare('clean');
  await clean.config(0);
  const run = await runNode(setup.publisher, [clean.configPath]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const steps = run.stdout.trim().split('\n');

  for (let k = 1; k <= steps.length; k++) {
    const label = `crash-${k}`;
    const c = await prepare(label);
    await c.config(k);
    const crashed = await runNode(setup.publisher, [c.configPath]);
    expect({ step: steps[k - 1], signal: crashed.signal }).toEqual({ step: steps[k - 1], signal: 'SIGKILL' });

    const home = join(setup.dir, label, 'home');
    const old = await verifyCode(setup, home, c.location, c.rootPath, '1.0');
    expect({ step: steps[k - 1], old: old.code, why: old.stderr }).toEqual({ step: steps[k - 1], old: 0, why: '' });
    const fresh = await verifyCode(setup, home, c.location, c.rootPath, '2.0');
    // Old state (2.0 plainly not signed, exit 1) or new state (exit 0): never broken or inconclusive.
    expect({ step: steps[k - 1], new: fresh.code === 0 || (fresh.code === 1 && /is not signed/.test(fresh.stderr)) }).toEqual({ step: steps[k - 1], new: true });

    // The next publish goes through (a dead owner's lock is taken over) and both tags verify.
    const store = await openStore(c.location, setup.dir);
    await updateRepository(store, parseRoot(await fs.readFile(c.rootPath)), { signers: signersOf(setup.keys), now: new Date() }, async (repo) => {
      for (const t of newTargets) await repo.addTarget(t);
    });
    for (const tag of ['1.0', '2.0']) {
      const after = await verifyCode(setup, home, c.location, c.rootPath, tag);
      expect({ step: steps[k - 1], tag, after: after.code, why: after.stderr }).toEqual({ step: steps[k - 1], tag, after: 0, why: '' });
    }
  }
  return steps;
}
