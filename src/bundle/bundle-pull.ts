// `signet pull --bundle`: on the air-gapped side, verify an image against the
// bundle's trust metadata, then copy it from the bundle's OCI layout into a
// destination layout, every blob checked as it streams (the same copy code as
// a registry pull, over a layout-backed blob source). No network.

import { join, resolve } from 'node:path';
import type { RegistryReference } from '../image/image-reference.js';
import { OciLayout } from '../image/oci-layout.js';
import { mediaTypeOf, type Descriptor, type Manifest } from '../image/manifest.js';
import { readFileChunks } from '../files/file-content.js';
import { checkStream } from '../verify/content-check.js';
import { withTrustSession } from '../verify/trust-session.js';
import { verifyManifest } from '../verify/verify-image.js';
import { groupByTrust, type TrustOptions } from '../workflows/resolve-trust.js';
import { openBundle } from './bundle-reader.js';
import { bundleLayoutOf } from './bundle-images.js';
import type { SignetContext } from '../workflows/context.js';
import type { PullReport } from '../workflows/pull.js';
import { LIMITS } from '../limits.js';
import { UsageError } from '../errors.js';
import { checkName } from '../image/image-reference.js';
import { isSha256Digest } from '../metadata/digest.js';

/**
 * An image as it is named inside a bundle: the name it was signed under with
 * a tag or digest (`team/app:1.2.3`, `team/app@sha256:…`), no docker defaults;
 * a registry host in front is dropped, so the deploy reference works too.
 */
export async function parseSignedName(text: string): Promise<RegistryReference> {
  const { withoutRegistryHost } = await import('../registry/reference.js');
  let rest = withoutRegistryHost(text);
  let digest: string | undefined;
  let tag: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isSha256Digest(digest)) throw new UsageError('bad-reference', `"${text}": the digest part is not sha256:<64 hex digits>`);
  }
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (!tag && !digest) throw new UsageError('bad-reference', `"${text}": name a tag or digest (team/app:1.2.3)`);
  checkName(rest, text);
  return { kind: 'registry', registry: 'bundle', repository: rest, name: rest, text, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** The capability pullImage needs: manifests by digest and blobs, both checked. */
export interface BlobSource {
  getManifest(ref: { digest?: string }, expect?: Pick<Descriptor, 'digest' | 'size'>): Promise<Manifest>;
  fetchBlob(repo: unknown, descriptor: Pick<Descriptor, 'digest' | 'size'>, sink: (chunk: Buffer) => void): Promise<void>;
}

/** Blobs of an OCI layout, each checked for size and digest (content-check.ts) while it is read. */
export function layoutBlobSource(layout: OciLayout): BlobSource {
  return {
    getManifest: async (ref, expect) => {
      const digest = expect?.digest ?? ref.digest;
      if (!digest) throw new UsageError('bad-reference', 'a manifest inside a bundle is read by digest');
      const bytes = await layout.readBlob(digest, expect?.size ?? LIMITS.manifestBytes, LIMITS.manifestBytes);
      return { digest, size: bytes.length, mediaType: mediaTypeOf(bytes), bytes };
    },
    fetchBlob: async (_repo, d, sink) => {
      const path = join(layout.dir, 'blobs', 'sha256', d.digest.slice('sha256:'.length));
      await checkStream(tee(readFileChunks(path, `blob ${d.digest} in ${layout.dir}`), sink), { length: d.size, hashes: { sha256: d.digest.slice('sha256:'.length) } }, `blob ${d.digest} in ${layout.dir}`);
    },
  };
}

/**
 * Verify `ref` (its name and tag or digest) against the bundle's metadata and
 * the verifier's pin, then copy it into `to`. Throws as `verify` does.
 */
export async function pullFromBundle(ref: RegistryReference, bundlePath: string, to: string, options: TrustOptions, ctx: SignetContext): Promise<PullReport> {
  const bundle = await openBundle(resolve(ctx.cwd, bundlePath));
  try {
    const layout = new OciLayout(bundleLayoutOf(await bundle.imagesLayout(), ref.name));
    const [group] = await groupByTrust([ref], { ...options, bundle: bundle.path }, ctx);
    if (!group) throw new UsageError('no-trust-repository', `no trust repository covers ${ref.name}`);
    const manifest = await layout.getManifest({ kind: 'oci-layout', dir: layout.dir, name: ref.name, text: ref.text, ...(ref.tag ? { tag: ref.tag } : {}), ...(ref.digest ? { digest: ref.digest } : {}) });
    const source = { store: group.trust.store, pinnedRoot: group.trust.pinnedRootBytes, home: ctx.home };
    const verified = await withTrustSession(source, (session) => verifyManifest(session, ref, manifest));
    ctx.log(`verified ${verified.verified} from bundle ${bundle.path}; copying into ${to}`);
    const { pullImage } = await import('../registry/pull-image.js');
    const result = await pullImage(layoutBlobSource(layout), ref, manifest, resolve(ctx.cwd, to));
    return { ...verified, verified: `${ref.name}@${manifest.digest}`, dir: result.dir, manifests: result.manifests, blobs: result.blobs, bytes: result.bytes };
  } finally {
    await bundle.close();
  }
}

async function* tee(chunks: AsyncIterable<Uint8Array>, sink: (chunk: Buffer) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    yield chunk;
    // After the check accepted it: a blob's bytes reach the layout only once counted and hashed.
    // A copy: readFileChunks reuses its buffer for the next read, and the sink may keep a
    // chunk until the disk takes it (pull-image's BlobFileWriter writes in the background).
    sink(Buffer.from(chunk));
  }
}
