// Issue 12, "also": configuration mistakes are exit 2 with the reason, never
// a verdict (exit 1) and never silently replaced by a default.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

let s: SignetEnv;
beforeAll(async () => {
  s = await makeSignetEnv();
});
afterAll(async () => s?.cleanup());

describe('--root naming a file that is not a root', () => {
  it.each([
    ['a JSON file of something else', '{"hello":"world"}'],
    ['a timestamp file', '{"signed":{"_type":"timestamp","version":1,"spec_version":"1.0.31","expires":"2030-01-01T00:00:00Z","meta":{}},"signatures":[]}'],
    ['not JSON at all', 'root.json'],
  ])('exits 2 for %s', async (_what, content) => {
    const file = join(s.dir, 'not-a-root.json');
    await writeFile(file, content);
    const verify = await s.cli(['verify', s.ref('1.0'), '--trust-repo', join(s.dir, 'trust'), '--root', file]);
    expect(verify.code).toBe(2);
    expect(verify.stderr).toMatch(/not-a-root\.json is not a TUF root metadata file/);
  });
});

describe('init --expires out of range', () => {
  it.each(['timestamp=0s', 'timestamp=99999999999y', 'snapshot=30s', 'root=11y'])('exits 2 for %s, naming the accepted range, and creates nothing', async (expires) => {
    const store = join(s.dir, `trust-${expires.replace(/\W/g, '')}`);
    const init = await s.cli(['init', store, '--expires', expires]);
    expect(init.code).toBe(2);
    expect(init.stderr).toMatch(/out of range: a role stays valid between 1m and 10y/);
    await expect(access(store)).rejects.toThrow();
  });
});
