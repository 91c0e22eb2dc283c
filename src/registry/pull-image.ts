// Copy an already verified manifest (and everything it references) from a
// registry into an OCI image layout. Every blob is checked for digest and size
// while it streams, written to a temp file and renamed only once it checks out;
// a new layout is built beside its destination and renamed into place at the end.

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { RegistryReference } from '../image/image-reference.js';
import { type Descriptor, type Manifest, INDEX_TYPES, childManifests, isDescriptor } from '../image/manifest.js';
import { OciLayout, REF_NAME_ANNOTATION } from '../image/oci-layout.js';
import { isRecord } from '../metadata/types.js';
import { UsageError, VerificationError } from '../errors.js';
import { LIMITS } from '../limits.js';
import type { RegistryClient } from './registry-client.js';
import { BlobFileWriter } from './blob-file-writer.js';

export interface PullResult {
  dir: string;
  digest: string;
  mediaType: string;
  /** Manifests written (the top one and, for an index, each platform's). */
  manifests: number;
  /** Config and layer blobs written or already present and checked. */
  blobs: number;
  /** Bytes downloaded. */
  bytes: number;
}

/**
 * What a pull reads from: manifests by digest and blobs, each checked (a registry, or a bundle's layout).
 * `fetchBlob` hands its sink chunks the sink may keep: never a buffer the source reuses afterwards.
 */
export type BlobClient = Pick<RegistryClient, 'getManifest' | 'fetchBlob'>;

/** Nested indexes followed below the top manifest. */
const MAX_INDEX_DEPTH = 2;
/** Blob downloads at once (each also takes a slot of the client's limiter). */
const BLOB_CONCURRENCY = 4;

/**
 * Pull `manifest` (already verified against trust metadata) into the layout
 * at `dir`, tagged with the reference's tag. Throws VerificationError when any
 * byte differs from what the verified manifest names; nothing half-written stays.
 */
export async function pullImage(client: BlobClient, ref: RegistryReference, manifest: Manifest, dir: string, progress?: (done: number, total: number) => void): Promise<PullResult> {
  const exists = await fs.stat(dir).then((s) => s, () => undefined);
  if (exists && !exists.isDirectory()) throw new UsageError('bad-destination', `${dir} exists and is not a directory`);
  const fresh = !exists || (await fs.readdir(dir)).length === 0;
  const work = fresh ? join(dirname(dir), `.${basename(dir)}.signet-pull-${randomBytes(6).toString('hex')}`) : dir;
  const layout = new OciLayout(work);
  try {
    if (!fresh) await layout.readIndex(); // an existing destination must already be a layout
    await layout.init();
    const result = await copyInto(client, ref, manifest, layout, progress);
    await tagTop(layout, ref, manifest);
    if (fresh) {
      if (exists) await fs.rmdir(dir);
      await fs.rename(work, dir);
    }
    return { ...result, dir };
  } catch (error) {
    if (fresh) await fs.rm(work, { recursive: true, force: true });
    throw error;
  }
}

async function copyInto(client: BlobClient, ref: RegistryReference, top: Manifest, layout: OciLayout, progress?: (done: number, total: number) => void): Promise<Omit<PullResult, 'dir'>> {
  const manifests: Manifest[] = [];
  await collect(client, ref, top, 0, manifests);
  const blobs = new Map<string, Descriptor>();
  for (const m of manifests) {
    for (const d of referencedBlobs(m)) blobs.set(d.digest, d);
  }
  let bytes = 0;
  let done = 0;
  progress?.(0, blobs.size);
  const queue = [...blobs.values()];
  // The first failure stops the others from starting a blob, and the pull fails only once every
  // copy in progress has ended: the caller then removes the work directory with nothing still
  // writing into it (a copy starting during that removal made it fail with ENOTEMPTY, exit 2,
  // in place of the verification error).
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    for (let d = queue.shift(); d && !failure; d = queue.shift()) {
      try {
        // Not `bytes += await …`: that reads `bytes` before the await, and the workers overwrite each other's sums.
        const copied = await copyBlob(client, ref, d, layout);
        bytes += copied;
        progress?.(++done, blobs.size);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(BLOB_CONCURRENCY, Math.max(1, queue.length)) }, worker));
  if (failure) throw failure.error;
  // Manifests last, so a layout never names a manifest whose blobs are missing.
  for (const m of manifests.reverse()) await layout.writeBlob(m.bytes);
  return { digest: top.digest, mediaType: top.mediaType, manifests: manifests.length, blobs: blobs.size, bytes };
}

/** The manifest and, for an index, every manifest it lists, fetched by digest and checked against the descriptor. */
async function collect(client: BlobClient, ref: RegistryReference, manifest: Manifest, depth: number, out: Manifest[]): Promise<void> {
  out.push(manifest);
  if (!INDEX_TYPES.has(manifest.mediaType)) return;
  if (depth >= MAX_INDEX_DEPTH) throw new VerificationError('index-too-deep', `${ref.text}: indexes nested more than ${MAX_INDEX_DEPTH} deep`);
  for (const child of childManifests(manifest)) {
    const fetched = await client.getManifest({ registry: ref.registry, repository: ref.repository, digest: child.digest }, child);
    await collect(client, ref, fetched, depth + 1, out);
  }
}

/** Config and layers of an image manifest (none for an index), bounded. */
function referencedBlobs(manifest: Manifest): Descriptor[] {
  if (INDEX_TYPES.has(manifest.mediaType)) return [];
  const doc = JSON.parse(Buffer.from(manifest.bytes).toString('utf8')) as unknown;
  if (!isRecord(doc)) throw new VerificationError('bad-manifest', `manifest ${manifest.digest} is not a JSON object`);
  const layers = Array.isArray(doc['layers']) ? doc['layers'] : [];
  const list = [doc['config'], ...layers];
  if (list.length > LIMITS.maxManifestBlobs) throw new VerificationError('too-many-blobs', `manifest ${manifest.digest} lists ${list.length} blobs, more than ${LIMITS.maxManifestBlobs}`);
  const found: Descriptor[] = [];
  for (const d of list) {
    if (d === undefined) continue;
    if (!isDescriptor(d)) throw new VerificationError('bad-manifest', `manifest ${manifest.digest} has a blob descriptor without a sha256 digest and size`);
    if (Array.isArray(d['urls']) && d['urls'].length > 0) continue; // foreign layers are not in the registry
    found.push(d);
  }
  return found;
}

/** Stream one blob into the layout; returns bytes downloaded (0 when already present and intact). */
async function copyBlob(client: BlobClient, ref: RegistryReference, d: Descriptor, layout: OciLayout): Promise<number> {
  const final = join(layout.dir, 'blobs', 'sha256', d.digest.slice('sha256:'.length));
  if (await fileMatches(final, d)) return 0;
  const temp = `${final}.${randomBytes(6).toString('hex')}.partial`;
  const handle = await fs.open(temp, 'wx', 0o644);
  // The body is never paused (flowing-body.ts): chunks go to the disk in large
  // batches on the thread pool while the next ones are read and hashed.
  const writer = new BlobFileWriter(handle.fd, d.size);
  try {
    // fetchBlob hashes every chunk and refuses one past d.size before the sink sees it;
    // it throws on a wrong digest or length only after the last chunk, so the temp
    // file is renamed to its digest's name only when the bytes hashed to it.
    await client.fetchBlob({ registry: ref.registry, repository: ref.repository }, d, (chunk) => writer.write(chunk));
    await writer.finish();
    await handle.sync();
    await handle.close();
    await fs.rename(temp, final);
  } catch (error) {
    await writer.settled(); // never close the file under a pending write
    await handle.close().catch(() => undefined);
    await fs.rm(temp, { force: true });
    throw error;
  }
  return d.size;
}

/** Is the file there with exactly this size and digest? (hashed, never trusted by name) */
async function fileMatches(path: string, d: Descriptor): Promise<boolean> {
  const stat = await fs.lstat(path).catch(() => undefined);
  if (!stat?.isFile() || stat.size !== d.size) return false;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}` === d.digest;
}

/** Point the reference's tag (or, for a digest reference, an untagged entry) at the top manifest. */
async function tagTop(layout: OciLayout, ref: RegistryReference, manifest: Manifest): Promise<void> {
  const descriptor: Descriptor = { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.size };
  if (ref.tag) return layout.tag(ref.tag, descriptor);
  const index = await layout.readIndex();
  const present = index.manifests.some((m) => m.digest === manifest.digest && m.annotations?.[REF_NAME_ANNOTATION] === undefined);
  if (!present) index.manifests.push(descriptor);
  await layout.writeIndex(index);
}
