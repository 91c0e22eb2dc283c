// `signet list` with no prefix, as a new user types it after `signet init`:
// it lists the policy's only trust repository, and says what to do when
// there is none.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

let s: SignetEnv;
beforeEach(async () => {
  s = await makeSignetEnv();
});
afterEach(async () => {
  await s.cleanup();
});

describe('signet list without a prefix', () => {
  it('lists everything in the trust policy\'s only repository', async () => {
    expect((await s.cli(['init', join(s.dir, 'trust'), '--scope', 'app'])).code).toBe(0);
    expect((await s.cli(['sign', s.ref('1.0')])).code).toBe(0);
    const list = await s.cli(['list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^app:1\.0\tsha256:[0-9a-f]{64}\t\d+\ttargets$/m);
  });

  it('exits 2 and names the next step when no trust repository is configured', async () => {
    const list = await s.cli(['list']);
    expect(list.code).toBe(2);
    expect(list.stderr).toContain('signet trust add --scope GLOB --store LOCATION --root ROOT.json');
  });
});
