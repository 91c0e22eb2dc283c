import { describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { writeSampleLayout } from '../../src/image/sample-images.js';
import { OciLayout } from '../../src/image/oci-layout.js';
import { parseLayoutReference } from '../../src/image/image-reference.js';

const FIXTURE = new URL('../../fixtures/oci/app/', import.meta.url).pathname;

async function files(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.set(relative(dir, path), await readFile(path));
    }
  };
  await walk(dir);
  return out;
}

describe('fixtures/oci/app', () => {
  it('is exactly what the generator produces (run `npm run fixtures` after changing it)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'signet-fixture-'));
    try {
      await writeSampleLayout(dir);
      const fresh = await files(dir);
      const committed = await files(FIXTURE);
      expect([...committed.keys()].sort()).toEqual([...fresh.keys()].sort());
      for (const [name, bytes] of fresh) expect(committed.get(name)?.equals(bytes), name).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('resolves tag 1.0 to a manifest and 2.0 to a two-platform index, checking every digest', async () => {
    const layout = new OciLayout(FIXTURE);
    const single = await layout.getManifest(parseLayoutReference(`oci-layout:${FIXTURE}:1.0`));
    expect(single.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    const index = await layout.getManifest(parseLayoutReference(`oci-layout:${FIXTURE}:2.0`));
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(JSON.parse(Buffer.from(index.bytes).toString()).manifests).toHaveLength(2);
  });
});

describe('oci-layout references', () => {
  it('parses a tag, a digest, and defaults the tag to latest', () => {
    expect(parseLayoutReference('oci-layout:/x/app:1.0')).toMatchObject({ dir: '/x/app', tag: '1.0', name: 'app' });
    expect(parseLayoutReference('oci-layout:/x/app')).toMatchObject({ tag: 'latest' });
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseLayoutReference(`oci-layout:/x/app@${digest}`)).toMatchObject({ digest, name: 'app' });
  });

  it('names the bad part of an invalid reference', () => {
    expect(() => parseLayoutReference('oci-layout:/x/app@sha256:zz')).toThrow(/digest part "sha256:zz"/);
    expect(() => parseLayoutReference('oci-layout:/x/app:-bad')).toThrow(/tag "-bad"/);
    expect(() => parseLayoutReference('oci-layout:/x/app!')).toThrow(/repository name "app!"/);
  });

  it('refuses a blob whose bytes do not match its digest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'signet-fixture-'));
    try {
      await writeSampleLayout(dir);
      const layout = new OciLayout(dir);
      const descriptor = await layout.find({ tag: '1.0', text: 'x' });
      const { writeFile } = await import('node:fs/promises');
      const path = join(dir, 'blobs', 'sha256', descriptor.digest.slice(7));
      const bytes = await readFile(path);
      bytes[10] = bytes[10]! ^ 1;
      await writeFile(path, bytes);
      await expect(layout.getManifest(parseLayoutReference(`oci-layout:${dir}:1.0`))).rejects.toThrow(/hashes to sha256:/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
