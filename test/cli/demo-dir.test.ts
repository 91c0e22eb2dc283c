// `signet demo --dir DIR` as a user types it: a relative DIR is taken from the
// working directory, and a DIR that already holds files is refused up front
// instead of failing half-way through the narration.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

let s: SignetEnv;
beforeEach(async () => {
  s = await makeSignetEnv();
});
afterEach(async () => {
  await s.cleanup();
});

describe('signet demo --dir', () => {
  it('works in a relative directory and leaves the sample layout there', async () => {
    const demo = await s.cli(['demo', '--dir', './signet-demo']);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toContain(`working in ${join(s.dir, 'signet-demo')}`);
    expect(existsSync(join(s.dir, 'signet-demo', 'images', 'app', 'oci-layout'))).toBe(true);
  });

  it('refuses a directory that is not empty with exit 2, before writing anything', async () => {
    const demo = await s.cli(['demo', '--dir', '.']);
    expect(demo.code).toBe(2);
    expect(demo.stderr).toContain('is not empty');
    expect(demo.stdout).toBe('');
  });
});
