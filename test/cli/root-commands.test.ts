// `signet root …` failures the ceremony tests do not cover: each command's
// main mistake gets a clear message and the right exit code.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { createTwoOfThree, ok } from '../ceremony/ceremony-support.js';

let s: SignetEnv;
beforeEach(async () => {
  s = await makeSignetEnv();
});
afterEach(async () => {
  await s.cleanup();
});

describe('signet root create', () => {
  it('refuses a root without keys for every role', async () => {
    const r = await s.cli(['root', 'create', '-o', join(s.dir, 'root.json'), '--key', 'root=nope.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.json (does not exist|is neither a key id)|no targets key given/);
  });

  it('refuses a threshold above the number of keys', async () => {
    const made = await createTwoOfThree(s);
    const r = await s.cli(['root', 'create', '-o', join(s.dir, 'r.json'), '--threshold', 'root=3', '--key', `root=${made.holders[0]!.pub}`, '--key', `targets=${made.online.targets}`, '--key', `snapshot=${made.online.snapshot}`, '--key', `timestamp=${made.online.timestamp}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('root threshold 3 must be between 1 and its 1 distinct key(s)');
  });
});

describe('signet root verify', () => {
  it('refuses a root whose signed part was edited after signing', async () => {
    const { holders, rootFile } = await createTwoOfThree(s);
    for (const h of holders.slice(0, 2)) await ok(h.run(['root', 'sign', rootFile, '--key', h.pub]));
    const doc = JSON.parse(await readFile(rootFile, 'utf8'));
    doc.signed.expires = '2099-01-01T00:00:00Z';
    await writeFile(rootFile, JSON.stringify(doc));
    const r = await s.cli(['root', 'verify', rootFile, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).signatures.map((x: { valid: boolean }) => x.valid)).toEqual([false, false]);
  });

  it('refuses a symlinked root file', async () => {
    const { rootFile } = await createTwoOfThree(s);
    const link = join(s.dir, 'link.json');
    await symlink(rootFile, link);
    const r = await s.cli(['root', 'verify', link]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('symlink');
  });
});

describe('signet root sign', () => {
  it('exits 2 on a wrong passphrase and leaves the root unsigned', async () => {
    const { holders, rootFile } = await createTwoOfThree(s);
    const alice = holders[0]!;
    const r = await s.cli(['root', 'sign', rootFile, '--key', alice.pub], { env: { SIGNET_HOME: alice.home, SIGNET_PASSPHRASE_ROOT: 'TEST-ONLY wrong' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('wrong passphrase');
    expect(JSON.parse(await readFile(rootFile, 'utf8')).signatures).toEqual([]);
  });
});

describe('signet root rotate', () => {
  it('refuses to remove a key the root does not have, and a threshold the keys cannot meet', async () => {
    const { rootFile } = await createTwoOfThree(s);
    const missing = await s.cli(['root', 'rotate', rootFile, '-o', join(s.dir, 'v2.json'), '--remove-key', 'root=00000000']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('has no such root key');
    const tooHigh = await s.cli(['root', 'rotate', rootFile, '-o', join(s.dir, 'v2.json'), '--threshold', 'root=4']);
    expect(tooHigh.code).toBe(2);
    expect(tooHigh.stderr).toContain('root would have threshold 4 with 3 key(s)');
  });
});

describe('signet root publish', () => {
  it('needs a pinned root for the repository', async () => {
    const { holders, rootFile } = await createTwoOfThree(s);
    for (const h of holders.slice(0, 2)) await ok(h.run(['root', 'sign', rootFile, '--key', h.pub]));
    const trust = join(s.dir, 'trust');
    await ok(s.cli(['init', trust, '--root-file', rootFile]));
    const r = await s.cli(['root', 'publish', rootFile, '--trust-repo', trust], { env: { SIGNET_HOME: join(s.dir, 'elsewhere') } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no pinned root');
    const same = await s.cli(['root', 'publish', rootFile, '--trust-repo', trust, '--root', rootFile]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain('already has this root v1');
  });
});
