// The same benchmark images as an OCI image layout on disk, for builds of
// signet whose registry client cannot sign registry references yet.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { manifestFor, sha256 } from './images.mjs';

const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';

async function writeBlob(dir, bytes) {
  const hex = sha256(bytes);
  await writeFile(join(dir, 'blobs', 'sha256', hex), bytes);
  return { digest: `sha256:${hex}`, size: bytes.length };
}

/** Write a layout at `dir` with every tag in `tags`; returns tag → { size, sha256 }. */
export async function writeLayout(dir, tags, layerBytes = Buffer.from('signet bench layer\n')) {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const layer = await writeBlob(dir, layerBytes);
  const config = await writeBlob(dir, Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layer.digest] } })));
  const base = { config, layer };
  const out = new Map();
  const manifests = [];
  for (const tag of tags) {
    const bytes = manifestFor(base, tag);
    const blob = await writeBlob(dir, bytes);
    manifests.push({ mediaType: MANIFEST_TYPE, ...blob, annotations: { 'org.opencontainers.image.ref.name': tag } });
    out.set(tag, { size: bytes.length, sha256: blob.digest.slice(7) });
  }
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
  return out;
}
