// Copy an image between repositories or registries, all platforms: every
// manifest is fetched by digest and hashed, every blob streamed through the
// client's digest and size check, and the destination receives byte-identical
// manifests (so digests, and the trust targets that name them, still hold).
// Blobs first, child manifests by digest next, the tag last.

import type { RegistryReference } from '../image/image-reference.js';
import { type Descriptor, type Manifest, INDEX_TYPES, childManifests, isDescriptor } from '../image/manifest.js';
import { isRecord } from '../metadata/types.js';
import { VerificationError } from '../errors.js';
import { LIMITS } from '../limits.js';
import type { RegistryClient, Repository } from './registry-client.js';

export interface CopyResult {
  digest: string;
  mediaType: string;
  manifests: number;
  /** Blobs uploaded (blobs the destination already had are not counted). */
  blobsCopied: number;
  bytesCopied: number;
}

const MAX_INDEX_DEPTH = 2;

/** Blobs handled so far of all to handle (for a progress bar). */
export type BlobProgress = (done: number, total: number) => void;

/** Copy `top` (already fetched from `from` and hashed) to `to`, tagged `tag` when given. */
export async function copyImage(client: RegistryClient, from: RegistryReference, top: Manifest, to: Repository, tag?: string, progress?: BlobProgress): Promise<CopyResult> {
  const src: Repository = { registry: from.registry, repository: from.repository };
  const manifests: Manifest[] = [];
  await collect(client, src, top, 0, manifests);
  const blobs = new Map<string, Descriptor>();
  for (const m of manifests) for (const d of referencedBlobs(m)) blobs.set(d.digest, d);
  let blobsCopied = 0;
  let bytesCopied = 0;
  let done = 0;
  progress?.(0, blobs.size);
  for (const d of blobs.values()) {
    progress?.(done++, blobs.size);
    if (await client.hasBlob(to, d.digest)) continue;
    if (d.size > LIMITS.copyBlobBytes) {
      throw new VerificationError('too-large', `blob ${d.digest} is ${d.size} bytes; signet copy holds at most ${LIMITS.copyBlobBytes} bytes per blob in memory`);
    }
    const chunks: Buffer[] = [];
    await client.fetchBlob(src, d, (chunk) => {
      chunks.push(chunk);
    });
    await client.pushBlob(to, Buffer.concat(chunks));
    blobsCopied++;
    bytesCopied += d.size;
  }
  progress?.(blobs.size, blobs.size);
  // Children before the index that names them; the top manifest last, under its tag.
  for (const m of manifests.slice(1).reverse()) await client.pushManifest(to, m.digest, m.bytes, m.mediaType);
  await client.pushManifest(to, tag ?? top.digest, top.bytes, top.mediaType);
  return { digest: top.digest, mediaType: top.mediaType, manifests: manifests.length, blobsCopied, bytesCopied };
}

async function collect(client: RegistryClient, src: Repository, manifest: Manifest, depth: number, out: Manifest[]): Promise<void> {
  out.push(manifest);
  if (!INDEX_TYPES.has(manifest.mediaType)) return;
  if (depth >= MAX_INDEX_DEPTH) throw new VerificationError('index-too-deep', `indexes nested more than ${MAX_INDEX_DEPTH} deep under ${manifest.digest}`);
  for (const child of childManifests(manifest)) {
    // Fetched by digest and checked against the index's descriptor (digest and size).
    await collect(client, src, await client.getManifest({ ...src, digest: child.digest }, child), depth + 1, out);
  }
}

/** Config and layers of an image manifest (none for an index), bounded. */
function referencedBlobs(manifest: Manifest): Descriptor[] {
  if (INDEX_TYPES.has(manifest.mediaType)) return [];
  const doc = JSON.parse(Buffer.from(manifest.bytes).toString('utf8')) as unknown;
  if (!isRecord(doc)) throw new VerificationError('bad-manifest', `manifest ${manifest.digest} is not a JSON object`);
  const list = [doc['config'], ...(Array.isArray(doc['layers']) ? doc['layers'] : [])];
  if (list.length > LIMITS.maxManifestBlobs) throw new VerificationError('too-many-blobs', `manifest ${manifest.digest} lists ${list.length} blobs, more than ${LIMITS.maxManifestBlobs}`);
  const found: Descriptor[] = [];
  for (const d of list) {
    if (d === undefined) continue;
    if (!isDescriptor(d)) throw new VerificationError('bad-manifest', `manifest ${manifest.digest} has a blob descriptor without a sha256 digest and size`);
    if (Array.isArray(d['urls']) && d['urls'].length > 0) continue; // foreign layers live elsewhere
    found.push(d);
  }
  return found;
}
