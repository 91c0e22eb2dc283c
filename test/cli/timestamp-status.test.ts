import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { initTrustRepository } from '../../src/workflows/init.js';
import { signImages } from '../../src/workflows/sign.js';

const DAY = 86400_000;
let s: SignetEnv;
beforeEach(async () => {
  s = await makeSignetEnv();
});
afterEach(async () => s.cleanup());

/** A repository signed two days ago (via the library, which takes the reference time): its timestamp has expired. */
async function signedTwoDaysAgo(): Promise<void> {
  const then = s.context(new Date(Date.now() - 2 * DAY));
  await initTrustRepository(join(s.dir, 'trust'), { scope: 'app' }, then);
  await signImages([s.ref('1.0')], {}, then);
}

describe('signet verify of an expired repository', () => {
  it('exits 1 naming the role, the date and the fix; `signet timestamp` makes it verify again', async () => {
    await signedTwoDaysAgo();
    const verify = await s.cli(['verify', s.ref('1.0')]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(/timestamp expired \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ in .*; run `signet timestamp` to refresh it/);

    const refresh = await s.cli(['timestamp']);
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(refresh.stdout).toMatch(/^refreshed timestamp v\d+, expires /m);
    expect((await s.cli(['verify', s.ref('1.0')])).code).toBe(0);
  });
});

describe('signet status', () => {
  it('warns within the horizon and --check exits 1; a narrower horizon is healthy', async () => {
    await s.cli(['init', join(s.dir, 'trust'), '--scope', 'app']);
    const wide = await s.cli(['status', '--warn', '72h', '--check']);
    expect(wide.code).toBe(1);
    expect(wide.stderr).toMatch(/^warning: timestamp expires .* \(in 2[34]h\); run `signet timestamp` to refresh it$/m);
    expect(wide.stdout).toMatch(/^timestamp\s+v1\s+\S+\s+expiring\s+1\/1 of [0-9a-f]{12}$/m);
    const narrow = await s.cli(['status', '--warn', '12h', '--check']);
    expect(narrow.code, narrow.stderr).toBe(0);
    expect(narrow.stderr).toBe('');
    const json = JSON.parse((await s.cli(['status', '--json'])).stdout);
    expect(json.roles.map((r: { role: string }) => r.role)).toEqual(['root', 'timestamp', 'snapshot', 'targets']);
  });

  it('reports expired roles and exits 1 with --check', async () => {
    await signedTwoDaysAgo();
    const status = await s.cli(['status', '--check', '--warn', '1h']);
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(/warning: timestamp expired /);
    expect((await s.cli(['status', '--warn', '1h'])).code).toBe(0);
  });

  it('exits 2 for a bad horizon', async () => {
    await s.cli(['init', join(s.dir, 'trust'), '--scope', 'app']);
    expect((await s.cli(['status', '--warn', 'soon'])).code).toBe(2);
  });
});
