// A full disk under SIGNET_HOME is a problem of this machine (exit 2, "check
// free space"), not "could not check, try later" (exit 3). The home lives on a
// tiny tmpfs filled to the brim; the test runs as root, as CI does.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

let s: SignetEnv;
let full: string;
let mounted = false;

beforeAll(async () => {
  s = await makeSignetEnv();
  const init = await s.cli(['init', join(s.dir, 'trust'), '--scope', 'app']);
  expect(init.code, init.stderr).toBe(0);
  const sign = await s.cli(['sign', s.ref('1.0')]);
  expect(sign.code, sign.stderr).toBe(0);

  full = join(s.dir, 'full-home');
  await fs.mkdir(full);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', full], { stdio: 'pipe' });
    mounted = true;
  } catch (error) {
    throw new Error(`this test mounts a 1 MiB tmpfs and must run as root (CI does): ${(error as Error).message}`);
  }
  // The deploy machine's home (policy, pinned root, keys), with no trusted state yet, on a full disk.
  for (const entry of ['policy.json', 'roots']) await fs.cp(join(s.home, entry), join(full, entry), { recursive: true });
  await fs.writeFile(join(full, 'filler'), Buffer.alloc(0));
  const handle = await fs.open(join(full, 'filler'), 'w');
  try {
    for (;;) await handle.write(Buffer.alloc(4096));
  } catch (error) {
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
  } finally {
    await handle.close();
  }
});

afterAll(async () => {
  if (mounted) execFileSync('umount', [full]);
  await s.cleanup();
});

describe('when the disk under SIGNET_HOME is full', () => {
  it('verify exits 2 (a local problem), says to check free space, and never says "try again later"', async () => {
    const result = await s.cli(['verify', s.ref('1.0'), '--json'], { env: { SIGNET_HOME: full } });
    expect(result.code, result.stderr).toBe(2);
    const report = JSON.parse(result.stdout);
    expect(report.results[0].error).toMatchObject({ code: 'local-io', kind: 'usage' });
    expect(result.stderr).toContain('free space');
  });
});
