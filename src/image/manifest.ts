// OCI and Docker manifest media types, and what signet records about a
// manifest in a target's `custom` field.

import { isRecord } from '../metadata/types.js';
import { isSha256Digest } from '../metadata/digest.js';
import { LIMITS } from '../limits.js';
import { VerificationError } from '../errors.js';

/** https://github.com/opencontainers/image-spec/blob/main/media-types.md */
export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

export const INDEX_TYPES: ReadonlySet<string> = new Set([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList]);

/** Manifest bytes as received, with the digest computed over exactly those bytes. */
export interface Manifest {
  digest: string;
  size: number;
  mediaType: string;
  bytes: Uint8Array;
}

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  [field: string]: unknown;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

/** The media type of manifest bytes: the document's own field, else the transport's claim. */
export function mediaTypeOf(bytes: Uint8Array, claimed?: string): string {
  try {
    const doc = JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
    if (isRecord(doc) && typeof doc['mediaType'] === 'string') return doc['mediaType'];
    if (isRecord(doc) && Array.isArray(doc['manifests'])) return MEDIA_TYPES.ociIndex;
  } catch {
    // Not JSON: fall back to what the transport said.
  }
  return claimed ?? MEDIA_TYPES.ociManifest;
}

/** The platform manifests an index lists (empty for a single manifest). Bounded. */
export function childManifests(manifest: Manifest): Descriptor[] {
  if (!INDEX_TYPES.has(manifest.mediaType)) return [];
  const doc = JSON.parse(Buffer.from(manifest.bytes).toString('utf8')) as unknown;
  const list = isRecord(doc) && Array.isArray(doc['manifests']) ? doc['manifests'] : [];
  if (list.length > LIMITS.maxIndexManifests) {
    throw new VerificationError('too-many-manifests', `index ${manifest.digest} lists ${list.length} manifests, more than ${LIMITS.maxIndexManifests}`);
  }
  return list.filter(isDescriptor);
}

export function isDescriptor(value: unknown): value is Descriptor {
  return isRecord(value) && typeof value['mediaType'] === 'string' && typeof value['digest'] === 'string' && isSha256Digest(value['digest']) && Number.isSafeInteger(value['size']) && (value['size'] as number) >= 0;
}

/** What a target's `custom` field records: media type, and an index's platform manifests. */
export function targetCustom(manifest: Manifest): Record<string, unknown> {
  const children = childManifests(manifest);
  const custom: Record<string, unknown> = { mediaType: manifest.mediaType };
  if (children.length > 0) {
    custom['manifests'] = children.map((d) => {
      const entry: Record<string, unknown> = { digest: d.digest, size: d.size, mediaType: d.mediaType };
      if (d.platform) entry['platform'] = d.platform;
      return entry;
    });
  }
  return custom;
}
