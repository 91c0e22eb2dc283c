// `signet sign` notices a tag whose signed digest changed (often a push that
// re-compressed the layers) and says what to do.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { addToLayout, sampleManifest } from '../../src/image/sample-images.js';

let s: SignetEnv;
beforeAll(async () => {
  s = await makeSignetEnv();
  expect((await s.cli(['init', join(s.dir, 'trust'), '--scope', 'app'])).code).toBe(0);
});
afterAll(async () => s.cleanup());

describe('signing a tag again', () => {
  it('says nothing for the same digest, and warns about re-compressed pushes when the digest changed', async () => {
    const first = await s.cli(['sign', s.ref('1.0')]);
    expect(first.code, first.stderr).toBe(0);
    const same = await s.cli(['sign', s.ref('1.0')]);
    expect(same.stderr).not.toContain('warning: app:1.0 was signed as');
    await addToLayout(s.layout, '1.0', sampleManifest('same content, layers compressed again'));
    const changed = await s.cli(['sign', s.ref('1.0')]);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stderr).toMatch(/warning: app:1\.0 was signed as sha256:[0-9a-f]{64} and now resolves to sha256:[0-9a-f]{64}/);
    expect(changed.stderr).toContain('sign after the final push, or copy with digests preserved');
  });
});
