// What a user sees when an oci-layout: reference names nothing: the error
// lists the tags that are there, or says how to make a layout at all.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { OciLayout } from '../../src/image/oci-layout.js';
import { writeSampleLayout } from '../../src/image/sample-images.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'signet-layout-errors-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('when a tag is not in the layout', () => {
  it('refuses it as a usage error and names the tags that are there', async () => {
    await writeSampleLayout(join(dir, 'app'));
    const error = await new OciLayout(join(dir, 'app')).find({ tag: '9.9', text: 'oci-layout:app:9.9' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'usage', code: 'no-such-image' });
    expect((error as Error).message).toMatch(/no manifest tagged 9\.9 .*\(tags there: 1\.0, 2\.0\)$/);
  });
});

describe('when the directory is not an OCI layout', () => {
  it('says how to write one', async () => {
    const error = await new OciLayout(join(dir, 'empty')).readIndex().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'usage', code: 'not-a-layout' });
    expect((error as Error).message).toContain('skopeo copy docker://IMAGE oci:');
  });
});
