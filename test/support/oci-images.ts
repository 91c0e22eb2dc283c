// Test support: small deterministic OCI images (config, one gzip layer,
// manifest; optionally a two-platform index) written into an OCI layout, and
// pushed either with skopeo or with signet's own push code.

import { gzipSync } from 'node:zlib';
import { OciLayout } from '../../src/image/oci-layout.js';
import { MEDIA_TYPES, type Descriptor } from '../../src/image/manifest.js';
import { ociDigest } from '../../src/metadata/digest.js';
import type { RegistryClient, Repository } from '../../src/registry/registry-client.js';

const LAYER_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip';
const CONFIG_TYPE = 'application/vnd.oci.image.config.v1+json';

export interface BuiltImage {
  descriptor: Descriptor;
  /** Every blob written (configs, layers, manifests), digest → bytes. */
  blobs: Map<string, Uint8Array>;
  manifestBytes: Uint8Array;
}

function put(blobs: Map<string, Uint8Array>, bytes: Uint8Array): Descriptor & { bytes: Uint8Array } {
  const digest = ociDigest(bytes);
  blobs.set(digest, bytes);
  return { mediaType: '', digest, size: bytes.length, bytes };
}

function singleManifest(blobs: Map<string, Uint8Array>, seed: string, arch: string): Descriptor {
  const layer = put(blobs, gzipSync(Buffer.from(`layer of ${seed} for ${arch}\n`.repeat(64))));
  const config = put(blobs, Buffer.from(JSON.stringify({ architecture: arch, os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: { Labels: { seed } } })));
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: CONFIG_TYPE, digest: config.digest, size: config.size },
    layers: [{ mediaType: LAYER_TYPE, digest: layer.digest, size: layer.size }],
  };
  const bytes = put(blobs, Buffer.from(JSON.stringify(manifest)));
  return { mediaType: MEDIA_TYPES.ociManifest, digest: bytes.digest, size: bytes.size, platform: { architecture: arch, os: 'linux' } };
}

/** Build an image (`platforms` > 1 gives an index) without writing it anywhere. */
export function buildImage(seed: string, platforms: string[] = ['amd64']): BuiltImage {
  const blobs = new Map<string, Uint8Array>();
  let descriptor: Descriptor;
  if (platforms.length === 1) {
    const { platform: _unused, ...single } = singleManifest(blobs, seed, platforms[0]!);
    descriptor = single;
  } else {
    const manifests = platforms.map((arch) => singleManifest(blobs, seed, arch));
    const index = put(blobs, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests })));
    descriptor = { mediaType: MEDIA_TYPES.ociIndex, digest: index.digest, size: index.size };
  }
  return { descriptor, blobs, manifestBytes: blobs.get(descriptor.digest)! };
}

/** Write a built image into an OCI layout under `tag`. */
export async function writeImage(dir: string, tag: string, image: BuiltImage): Promise<void> {
  const layout = new OciLayout(dir);
  await layout.init();
  for (const bytes of image.blobs.values()) await layout.writeBlob(bytes);
  await layout.tag(tag, image.descriptor);
}

/** Push a built image with signet's own client: blobs, child manifests by digest, then the tag. */
export async function pushImage(client: RegistryClient, repo: Repository, tag: string, image: BuiltImage): Promise<void> {
  const manifests = new Set<string>();
  for (const [digest, bytes] of image.blobs) {
    const text = Buffer.from(bytes).toString('utf8');
    if (text.startsWith('{') && text.includes('"schemaVersion"')) manifests.add(digest);
    else await client.pushBlob(repo, bytes);
  }
  for (const digest of manifests) {
    if (digest === image.descriptor.digest) continue;
    const bytes = image.blobs.get(digest)!;
    await client.pushManifest(repo, digest, bytes, MEDIA_TYPES.ociManifest);
  }
  await client.pushManifest(repo, tag, image.manifestBytes, image.descriptor.mediaType);
}
