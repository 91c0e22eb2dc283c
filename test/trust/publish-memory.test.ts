// Attack: someone with write access to the store restores an older, validly
// signed state (before a revocation). A signer that already saw the newer
// state must refuse to build on it, or its next publish would undo the revocation.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

let s: SignetEnv;
beforeEach(async () => {
  s = await makeSignetEnv();
});
afterEach(async () => {
  await s.cleanup();
});

describe('when the store is rolled back to metadata from before a revocation', () => {
  it('refuses to sign on top of it (exit 1) and leaves the revocation standing', async () => {
    const trust = join(s.dir, 'trust');
    expect((await s.cli(['init', trust, '--scope', 'app'])).code).toBe(0);
    expect((await s.cli(['sign', s.ref('1.0')])).code).toBe(0);
    await cp(trust, join(s.dir, 'old-trust'), { recursive: true });
    expect((await s.cli(['revoke', s.ref('1.0')])).code).toBe(0);

    // The attacker puts the old (validly signed) files back.
    await rm(trust, { recursive: true });
    await cp(join(s.dir, 'old-trust'), trust, { recursive: true });

    const sign = await s.cli(['sign', s.ref('2.0')]);
    expect(sign.code).toBe(1);
    expect(sign.stderr).toContain('older than');
    expect(sign.stderr).toContain('Refusing to sign on top of it');
  });

  it('still lets a machine that never saw the newer state publish (its memory starts empty)', async () => {
    const trust = join(s.dir, 'trust');
    expect((await s.cli(['init', trust, '--scope', 'app'])).code).toBe(0);
    expect((await s.cli(['sign', s.ref('1.0')])).code).toBe(0);
    await rm(join(s.home, 'published'), { recursive: true, force: true });
    expect((await s.cli(['sign', s.ref('2.0')])).code).toBe(0);
    expect((await s.cli(['verify', s.ref('2.0')])).code).toBe(0);
  });
});
