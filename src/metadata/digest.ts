// SHA-256 over bytes we hold, via node:crypto (about 9x faster than a
// pure-JS hash for manifests and blobs; see bench/).

import { createHash } from 'node:crypto';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `sha256:<hex>` as OCI digests are written. */
export function ociDigest(bytes: Uint8Array): string {
  return `sha256:${sha256Hex(bytes)}`;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function isSha256Digest(text: string): boolean {
  return DIGEST.test(text);
}
