// A pull out of a bundle's image layout: its blob source reads the file in
// reused 1 MiB buffers while the pull writes in the background, so a blob of
// several MiB must still land byte for byte (each chunk is handed over as a copy).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OciLayout } from '../../src/image/oci-layout.js';
import { layoutBlobSource } from '../../src/bundle/bundle-pull.js';
import { pullImage } from '../../src/registry/pull-image.js';
import type { RegistryReference } from '../../src/image/image-reference.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'signet-bundle-pull-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('when a bundle holds a layer larger than one read', () => {
  it('pulls it byte for byte', async () => {
    const layer = Buffer.allocUnsafe(5 * 1024 * 1024 + 3);
    for (let i = 0; i < layer.length; i++) layer[i] = (i >>> 20) * 37 + (i & 0xff); // each MiB differs
    const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
    const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
    const bytes = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digestOf(layer), size: layer.length }],
      }),
    );
    const source = new OciLayout(join(work, 'bundle-images'));
    await source.init();
    await source.writeBlob(layer);
    await source.writeBlob(config);
    await source.writeBlob(bytes);
    const manifest = { digest: digestOf(bytes), size: bytes.length, mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes };
    const ref = { kind: 'registry', registry: 'bundle', repository: 'app', name: 'app', tag: '1.0', text: 'app:1.0' } as RegistryReference;
    const to = join(work, 'pulled');
    await pullImage(layoutBlobSource(source), ref, manifest, to);
    const pulled = await readFile(join(to, 'blobs', 'sha256', digestOf(layer).slice('sha256:'.length)));
    expect(pulled.equals(layer)).toBe(true);
  });
});
