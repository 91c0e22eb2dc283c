import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

let s: SignetEnv;
beforeEach(async () => {
  s = await makeSignetEnv();
  expect((await s.cli(['init', join(s.dir, 'trust'), '--scope', 'app'])).code).toBe(0);
  expect((await s.cli(['sign', s.ref('1.0')])).code).toBe(0);
  expect((await s.cli(['verify', s.ref('1.0')])).code).toBe(0); // the verifier caches v1 metadata
});
afterEach(async () => s.cleanup());

describe('signet key rotate', () => {
  it.each(['targets', 'snapshot', 'timestamp'])('rotates the %s key in a new root; the cached verifier follows and signing goes on', async (role) => {
    const rotate = await s.cli(['key', 'rotate', role]);
    expect(rotate.code, rotate.stderr).toBe(0);
    expect(rotate.stdout).toMatch(new RegExp(`^rotated ${role}: keys now [0-9a-f]{12} \\(threshold 1\\), removed [0-9a-f]{12} in root v2$`, 'm'));
    expect((await s.cli(['verify', s.ref('1.0')])).code).toBe(0);
    expect((await s.cli(['sign', s.ref('2.0')])).code).toBe(0);
    expect((await s.cli(['verify', s.ref('2.0')])).code).toBe(0);
    const status = await s.cli(['status', '--json']);
    const entry = JSON.parse(status.stdout).roles.find((r: { role: string }) => r.role === role);
    expect(entry.signedBy).toEqual(entry.keyIds);
  });

  it('exits 2 for a role that does not exist', async () => {
    const rotate = await s.cli(['key', 'rotate', 'nobody']);
    expect(rotate.code).toBe(2);
    expect(rotate.stderr).toContain('no role named "nobody"');
    expect((await s.cli(['status', '--json'])).stdout).not.toContain('nobody');
  });
});

describe('signet key revoke', () => {
  it('refuses to remove the only key of a top-level role (exit 2), pointing at rotate', async () => {
    const status = JSON.parse((await s.cli(['status', '--json'])).stdout);
    const timestampKey = status.roles.find((r: { role: string }) => r.role === 'timestamp').keyIds[0] as string;
    const revoke = await s.cli(['key', 'revoke', timestampKey.slice(0, 10)]);
    expect(revoke.code).toBe(2);
    expect(revoke.stderr).toContain('signet key rotate timestamp');
  });
});
