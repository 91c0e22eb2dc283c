// Read and write OCI image layouts on disk
// (https://github.com/opencontainers/image-spec/blob/main/image-layout.md).
// Every blob read is hashed and checked against the digest and size that
// named it; writes are atomic per file.

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { LayoutReference } from './image-reference.js';
import { type Descriptor, type Manifest, isDescriptor, mediaTypeOf, MEDIA_TYPES } from './manifest.js';
import { isRecord } from '../metadata/types.js';
import { ociDigest, isSha256Digest } from '../metadata/digest.js';
import { readFileBounded, writeFileAtomic } from '../store/atomic-file.js';
import { UsageError, VerificationError } from '../errors.js';
import { LIMITS } from '../limits.js';

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

export interface LayoutIndex {
  schemaVersion: number;
  mediaType?: string;
  manifests: Descriptor[];
  [field: string]: unknown;
}

export class OciLayout {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  async readIndex(): Promise<LayoutIndex> {
    const marker = await readFileBounded(join(this.dir, 'oci-layout'), LIMITS.layoutIndexBytes);
    if (marker === undefined) throw new UsageError('not-a-layout', `${this.dir} is not an OCI image layout (no oci-layout file); write one with \`skopeo copy docker://IMAGE oci:${this.dir}:TAG\`, or try \`signet demo --dir DIR\` for a sample`);
    const bytes = await readFileBounded(join(this.dir, 'index.json'), LIMITS.layoutIndexBytes);
    if (bytes === undefined) throw new UsageError('not-a-layout', `${this.dir} has no index.json`);
    let doc: unknown;
    try {
      doc = JSON.parse(bytes.toString('utf8'));
    } catch (cause) {
      throw new UsageError('not-a-layout', `${this.dir}/index.json is not valid JSON`, { cause });
    }
    if (!isRecord(doc) || !Array.isArray(doc['manifests'])) throw new UsageError('not-a-layout', `${this.dir}/index.json has no manifests list`);
    return { ...doc, schemaVersion: Number(doc['schemaVersion']), manifests: doc['manifests'].filter(isDescriptor) };
  }

  /** The tags index.json names, in order. */
  async tags(): Promise<string[]> {
    const index = await this.readIndex();
    return index.manifests.map((d) => d.annotations?.[REF_NAME_ANNOTATION]).filter((t): t is string => typeof t === 'string');
  }

  /** The descriptor for a tag or digest; UsageError when absent. */
  async find(ref: Pick<LayoutReference, 'tag' | 'digest' | 'text'>): Promise<Descriptor> {
    const index = await this.readIndex();
    const match = index.manifests.find((d) => (ref.digest ? d.digest === ref.digest : d.annotations?.[REF_NAME_ANNOTATION] === ref.tag));
    if (!match) {
      const tags = index.manifests.map((d) => d.annotations?.[REF_NAME_ANNOTATION]).filter((t): t is string => typeof t === 'string');
      const shown = tags.slice(0, 10).join(', ') + (tags.length > 10 ? `, … (${tags.length} tags)` : '');
      const what = ref.digest ? `no manifest ${ref.digest}` : `no manifest tagged ${ref.tag}`;
      throw new UsageError('no-such-image', `${ref.text}: ${what} in ${this.dir}/index.json (${tags.length ? `tags there: ${shown}` : 'it names no tags'})`);
    }
    return match;
  }

  /** Read a blob and check it hashes to `digest` and is `size` bytes. */
  async readBlob(digest: string, size: number, maxBytes: number): Promise<Buffer> {
    if (!isSha256Digest(digest)) throw new VerificationError('bad-digest', `unsupported digest ${digest}`);
    if (size > maxBytes) throw new VerificationError('too-large', `blob ${digest} is ${size} bytes, more than ${maxBytes}`);
    const path = join(this.dir, 'blobs', 'sha256', digest.slice('sha256:'.length));
    let bytes: Buffer | undefined;
    try {
      bytes = await readFileBounded(path, maxBytes);
    } catch (cause) {
      throw new VerificationError('too-large', `blob ${digest} in ${this.dir} is larger than ${maxBytes} bytes`, { cause });
    }
    if (bytes === undefined) throw new UsageError('missing-blob', `${this.dir} is missing blob ${digest}`);
    const found = ociDigest(bytes);
    if (found !== digest || bytes.length !== size) {
      throw new VerificationError('digest-mismatch', `blob in ${this.dir} should be ${digest} (${size} bytes) but hashes to ${found} (${bytes.length} bytes)`);
    }
    return bytes;
  }

  /** Resolve a reference to its manifest, hashed from the bytes on disk. */
  async getManifest(ref: LayoutReference): Promise<Manifest> {
    const descriptor = await this.find(ref);
    const bytes = await this.readBlob(descriptor.digest, descriptor.size, LIMITS.manifestBytes);
    return { digest: descriptor.digest, size: bytes.length, mediaType: mediaTypeOf(bytes, descriptor.mediaType), bytes };
  }

  // --- writing -----------------------------------------------------------

  /** Create the layout skeleton (oci-layout marker, empty index) if absent. */
  async init(): Promise<void> {
    await fs.mkdir(join(this.dir, 'blobs', 'sha256'), { recursive: true });
    if ((await readFileBounded(join(this.dir, 'oci-layout'), 1024)) === undefined) {
      await writeFileAtomic(join(this.dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    }
    if ((await readFileBounded(join(this.dir, 'index.json'), LIMITS.layoutIndexBytes)) === undefined) {
      await this.writeIndex({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [] });
    }
  }

  /** Store bytes as a blob; returns its digest. */
  async writeBlob(bytes: Uint8Array): Promise<string> {
    const digest = ociDigest(bytes);
    await writeFileAtomic(join(this.dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), bytes);
    return digest;
  }

  async writeIndex(index: LayoutIndex): Promise<void> {
    await writeFileAtomic(join(this.dir, 'index.json'), JSON.stringify(index));
  }

  /** Point `tag` at `descriptor` in index.json, replacing any previous entry for the tag. */
  async tag(tag: string, descriptor: Descriptor): Promise<void> {
    const index = await this.readIndex();
    const annotations = { ...(descriptor.annotations ?? {}), [REF_NAME_ANNOTATION]: tag };
    index.manifests = index.manifests.filter((d) => d.annotations?.[REF_NAME_ANNOTATION] !== tag);
    index.manifests.push({ ...descriptor, annotations });
    await this.writeIndex(index);
  }
}
