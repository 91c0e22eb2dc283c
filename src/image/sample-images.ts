// Small, deterministic OCI images for the demo, the fixtures and tests:
// uncompressed tar layers with fixed metadata, so the same bytes (and
// digests) come out on every machine.

import { MEDIA_TYPES, type Descriptor, type Platform } from './manifest.js';
import { OciLayout } from './oci-layout.js';
import { ociDigest } from '../metadata/digest.js';

const LAYER_TAR = 'application/vnd.oci.image.layer.v1.tar';
const CONFIG = 'application/vnd.oci.image.config.v1+json';

export interface SampleImage {
  /** Every blob the image needs, manifests included. */
  blobs: Uint8Array[];
  /** The top-level descriptor (a manifest or an index). */
  descriptor: Descriptor;
}

/** A one-layer image whose only file says `message`. */
export function sampleManifest(message: string, platform: Platform = { architecture: 'amd64', os: 'linux' }): SampleImage {
  const layer = tarOneFile('hello.txt', Buffer.from(`${message}\n`, 'utf8'));
  const config = json({
    architecture: platform.architecture,
    os: platform.os,
    config: { Cmd: ['/bin/cat', '/hello.txt'] },
    rootfs: { type: 'layers', diff_ids: [ociDigest(layer)] },
  });
  const manifest = json({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: CONFIG, digest: ociDigest(config), size: config.length },
    layers: [{ mediaType: LAYER_TAR, digest: ociDigest(layer), size: layer.length }],
  });
  return {
    blobs: [layer, config, manifest],
    descriptor: { mediaType: MEDIA_TYPES.ociManifest, digest: ociDigest(manifest), size: manifest.length, platform },
  };
}

/** A two-platform index (linux/amd64 and linux/arm64). */
export function sampleIndex(message: string): SampleImage {
  const amd64 = sampleManifest(`${message} (amd64)`, { architecture: 'amd64', os: 'linux' });
  const arm64 = sampleManifest(`${message} (arm64)`, { architecture: 'arm64', os: 'linux' });
  const index = json({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociIndex,
    manifests: [amd64.descriptor, arm64.descriptor],
  });
  return {
    blobs: [...amd64.blobs, ...arm64.blobs, index],
    descriptor: { mediaType: MEDIA_TYPES.ociIndex, digest: ociDigest(index), size: index.length },
  };
}

/** Write `image` into the layout at `dir` and tag it. */
export async function addToLayout(dir: string, tag: string, image: SampleImage): Promise<void> {
  const layout = new OciLayout(dir);
  await layout.init();
  for (const blob of image.blobs) await layout.writeBlob(blob);
  const { platform: _platform, ...descriptor } = image.descriptor;
  await layout.tag(tag, descriptor);
}

/** The demo and fixture layout: `1.0` single-platform, `2.0` a two-platform index. */
export async function writeSampleLayout(dir: string): Promise<void> {
  await addToLayout(dir, '1.0', sampleManifest('hello from signet 1.0'));
  await addToLayout(dir, '2.0', sampleIndex('hello from signet 2.0'));
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/** A POSIX ustar archive with one regular file, all metadata fixed. */
function tarOneFile(name: string, content: Uint8Array): Buffer {
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, text: string) => header.write(text, offset, length, 'ascii');
  field(0, 100, name);
  field(100, 8, '0000644\0');
  field(108, 8, '0000000\0');
  field(116, 8, '0000000\0');
  field(124, 12, content.length.toString(8).padStart(11, '0') + '\0');
  field(136, 12, '00000000000\0');
  field(148, 8, '        ');
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let sum = 0;
  for (const byte of header) sum += byte;
  field(148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  const padded = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  Buffer.from(content).copy(padded);
  return Buffer.concat([header, padded, Buffer.alloc(1024)]);
}
