// Issue 14 item 3: the cron line documented in `signet timestamp --help` and
// the README keeps a repository verifying for the snapshot's whole lifetime
// and beyond. The clock is stepped hourly through max(8 days, snapshot
// lifetime + 1 day) by faking Date only (signet fixes ctx.now from it, and
// tuf-js checks expiry against it); the verifier runs after every step.
// Without the snapshot key the job still refreshes the timestamp, warns
// loudly and exits 4.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, type CliResult } from '../../src/cli/run-cli.js';
import { makeSignetEnv, TEST_PASSPHRASE, type SignetEnv } from '../support/signet-env.js';

const HOUR = 3600_000;
let s: SignetEnv;
let start: number;
let rootFile: string;
let cron: { env: Record<string, string>; argv: string[] };

/** The documented crontab line, parsed: five schedule fields, NAME=… assignments, then `signet ARGS`. */
function parseCronLine(line: string): { env: Record<string, string>; argv: string[] } {
  const words = line.trim().split(/\s+/);
  expect(words.slice(0, 5)).toEqual(['0', '*', '*', '*', '*']); // hourly
  const env: Record<string, string> = {};
  let i = 5;
  for (; words[i]?.includes('='); i++) {
    const [name, value] = words[i]!.split('=') as [string, string];
    env[name] = value === '…' ? TEST_PASSPHRASE : value;
  }
  expect(words[i]).toBe('signet');
  return { env, argv: words.slice(i + 1) };
}

const at = (hours: number) => vi.setSystemTime(start + hours * HOUR);
/** Run as cron would: SIGNET_HOME and the line's own variables, nothing else (no SIGNET_PASSPHRASE). */
const runCron = (line = cron): Promise<CliResult> => runCli(line.argv, { env: { SIGNET_HOME: s.home, PATH: process.env['PATH'] ?? '', ...line.env }, cwd: s.dir });
const verify = () => runCli(['verify', s.ref('1.0'), '--trust-repo', join(s.dir, 'trust'), '--root', rootFile], { env: { SIGNET_HOME: join(s.dir, 'deployer') }, cwd: s.dir });
const snapshotOf = async () => (JSON.parse((await s.cli(['status', '--json'])).stdout) as { roles: Array<{ role: string; version: number; expires: string }> }).roles.find((r) => r.role === 'snapshot')!;

beforeAll(async () => {
  s = await makeSignetEnv();
  vi.useFakeTimers({ toFake: ['Date'] });
  start = Date.parse('2026-11-02T09:30:00Z');
  at(0);
  const init = await s.cli(['init', join(s.dir, 'trust'), '--scope', 'app', '--json']);
  expect(init.code, init.stderr).toBe(0);
  rootFile = join(s.dir, 'root-for-deployers.json');
  await copyFile((JSON.parse(init.stdout) as { rootPath: string }).rootPath, rootFile);
  expect((await s.cli(['sign', s.ref('1.0')])).code).toBe(0);
  const help = (await runCli(['timestamp', '--help'])).stdout;
  const line = help.split('\n').find((l) => /^\s*0 \* \* \* \*/.test(l));
  expect(line, 'timestamp --help documents a crontab line').toBeDefined();
  expect(await readFile(new URL('../../README.md', import.meta.url), 'utf8')).toContain(line!.trim());
  cron = parseCronLine(line!);
});
afterAll(async () => {
  vi.useRealTimers();
  await s?.cleanup();
});

describe('the documented cron line, run hourly', () => {
  it('keeps the repository verifying through 8 days and the whole snapshot lifetime, status --check green', async () => {
    const first = await snapshotOf();
    const lifetimeHours = Math.ceil((Date.parse(first.expires) - start) / HOUR);
    const hours = Math.max(8 * 24, lifetimeHours + 24);
    const failures: string[] = [];
    for (let h = 1; h <= hours && failures.length < 3; h++) {
      at(h);
      const job = await runCron();
      if (job.code !== 0) failures.push(`hour ${h}: cron exited ${job.code}: ${job.stderr}`);
      const verified = await verify();
      if (verified.code !== 0) failures.push(`hour ${h}: verify exited ${verified.code}: ${verified.stderr}`);
      if (h % 6 === 0) {
        const status = await s.cli(['status', '--check']);
        if (status.code !== 0) failures.push(`hour ${h}: status --check exited ${status.code}: ${status.stderr}`);
      }
    }
    expect(failures).toEqual([]);
    // It outlived the first snapshot, so the job re-signed the snapshot along the way.
    const last = await snapshotOf();
    expect(last.version).toBeGreaterThan(first.version);
    expect(Date.parse(last.expires)).toBeGreaterThan(Date.parse(first.expires));
  }, 900_000);
});

describe('a cron job that holds only the timestamp key', () => {
  const timestampOnly = () => ({ env: { SIGNET_PASSPHRASE_TIMESTAMP: TEST_PASSPHRASE }, argv: cron.argv });

  it('still refreshes the timestamp when the snapshot is due, warns loudly and exits 4', async () => {
    const snapshot = await snapshotOf();
    const due = (Date.parse(snapshot.expires) - start) / HOUR - 48; // inside the 72h window
    at(due);
    const before = (JSON.parse((await s.cli(['status', '--json'])).stdout) as { roles: Array<{ role: string; version: number }> }).roles.find((r) => r.role === 'timestamp')!.version;
    const job = await runCron(timestampOnly());
    expect(job.code).toBe(4);
    expect(job.stderr).toMatch(/^WARNING: the snapshot expires \S+ and was NOT re-signed: no passphrase for the snapshot key/m);
    expect(job.stderr).toMatch(/SIGNET_PASSPHRASE_SNAPSHOT/);
    expect(job.stdout).toMatch(/^refreshed timestamp v\d+/m);
    const after = (JSON.parse((await s.cli(['status', '--json'])).stdout) as { roles: Array<{ role: string; version: number }> }).roles.find((r) => r.role === 'timestamp')!.version;
    expect(after).toBe(before + 1);
    expect((await verify()).code).toBe(0);

    at(due + 49); // the snapshot has expired: verification fails, and the job says so
    const late = await runCron(timestampOnly());
    expect(late.code).toBe(4);
    expect(late.stderr).toMatch(/WARNING: the snapshot EXPIRED/);
    expect((await verify()).code).toBe(1);

    const fixed = await runCron(); // the documented line, with the snapshot key, repairs it
    expect(fixed.code, fixed.stderr).toBe(0);
    expect((await verify()).code).toBe(0);
  }, 300_000);

  it('exits 2 and refreshes nothing without the timestamp key', async () => {
    const job = await runCron({ env: {}, argv: cron.argv });
    expect(job.code).toBe(2);
    expect(job.stderr).toMatch(/no passphrase for the timestamp key/);
  });
});
