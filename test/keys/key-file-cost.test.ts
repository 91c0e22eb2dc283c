// The suite gives its own key files a cheap scrypt cost (test/support/fast-scrypt.ts);
// what signet ships must not change: the built CLI, in its own process where no
// test setup runs, writes key files with N=2^16, r=8, p=1.

import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT } from '../../src/keys/key-file.js';

const run = promisify(execFile);
let home: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'signet-key-cost-'));
});
afterAll(async () => {
  if (home) await rm(home, { recursive: true, force: true });
});

describe('the scrypt cost of key files', () => {
  it('the shipped default is N=2^16, r=8, p=1, and cannot be changed in place', () => {
    expect(DEFAULT_SCRYPT).toEqual({ n: 65536, r: 8, p: 1 });
    expect(Object.isFrozen(DEFAULT_SCRYPT)).toBe(true);
  });

  it('the built CLI writes key files with that cost', async () => {
    const env = { ...process.env, SIGNET_HOME: home, SIGNET_PASSPHRASE: 'test-only passphrase' };
    await run(process.execPath, [resolve('dist/signet.mjs'), 'key', 'generate', '--role', 'targets', '--repository', 'cost-check'], { env, timeout: 60_000 });
    const files = (await readdir(join(home, 'keys'))).filter((f) => f.endsWith('.key'));
    expect(files).toHaveLength(1);
    const file = JSON.parse(await readFile(join(home, 'keys', files[0]!), 'utf8'));
    expect(file.kdf).toMatchObject({ name: 'scrypt', n: 65536, r: 8, p: 1 });
  });
});
