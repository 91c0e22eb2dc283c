import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

let s: SignetEnv;
beforeEach(async () => {
  s = await makeSignetEnv();
});
afterEach(async () => s.cleanup());

describe('signet demo revocation step', () => {
  it('revokes one tag, shows it refused with exit 1, and the other tag still verifies', async () => {
    const demo = await s.cli(['demo', '--dir', join(s.dir, 'demo')]);
    expect(demo.code, demo.stdout).toBe(0);
    expect(demo.stdout).toMatch(/revoked app:2\.0$/m);
    expect(demo.stdout).toMatch(/REFUSED +app:2\.0 is no longer signed: revoked .* \(withdrawn in the demo\)/);
    expect(demo.stdout).toMatch(/exit code 1: a revoked tag is refused/);
    expect(demo.stdout).toMatch(/8\. The other release (?:\(app:3\.0\) )?still verifies:\n +OK +app@sha256:/);
    expect(demo.stdout).not.toContain('!! unexpected');
  });
});
