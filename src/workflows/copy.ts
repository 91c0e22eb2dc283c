// `signet copy <src> <dst> [--with-trust]`: copy an image, all platforms, to
// another repository or registry (every digest checked, manifests byte-for-byte
// so digests hold), and with --with-trust its trust repository too. Target
// names carry no host, so the copy verifies against either trust repository.

import type { RegistryReference } from '../image/image-reference.js';
import { TrustRepository } from '../trust/trust-repository.js';
import { copyTrustRepository, type TrustCopyResult } from '../trust/copy-repository.js';
import { openStore } from '../store/open-store.js';
import { UsageError } from '../errors.js';
import { resolveTrust, type TrustOptions } from './resolve-trust.js';
import { parseReferences } from './references.js';
import type { SignetContext } from './context.js';

export interface CopyOptions extends TrustOptions {
  /** Also copy the image's trust repository. */
  withTrust?: boolean;
  /** Destination of the trust copy; default: next to the copied image when the source's lives next to the source image. */
  trustTo?: string;
}

export interface CopyReport {
  source: string;
  destination: string;
  digest: string;
  mediaType: string;
  manifests: number;
  blobsCopied: number;
  bytesCopied: number;
  trust?: { from: string; to: string } & TrustCopyResult;
}

/** The trust location signet uses by default for an image: its own repository (tags `signet.*`). */
export function defaultTrustLocation(ref: Pick<RegistryReference, 'registry' | 'repository'>): string {
  return `oci://${ref.registry}/${ref.repository}`;
}

export async function copyWithTrust(srcText: string, dstText: string, options: CopyOptions, ctx: SignetContext): Promise<CopyReport> {
  const [src, dst] = await parseReferences([srcText, dstText], {}, ctx);
  if (src?.kind !== 'registry' || dst?.kind !== 'registry') {
    throw new UsageError('bad-reference', 'signet copy copies between registries: both references must be registry references');
  }
  const { registryClientFor } = await import('../registry/registry-source.js');
  const { copyImage } = await import('../registry/copy-image.js');
  const client = registryClientFor(ctx.registry ?? {});
  const manifest = await client.getManifest(src);
  if (dst.digest && dst.digest !== manifest.digest) {
    throw new UsageError('bad-reference', `${dstText} names digest ${dst.digest} but the source is ${manifest.digest}`);
  }
  // Without an explicit destination tag, keep the source's tag (not "latest").
  const tag = hasExplicitTag(dstText) ? dst.tag : src.tag;
  const destination = `${dst.registry}/${dst.repository}${tag ? `:${tag}` : `@${manifest.digest}`}`;

  // Trust first: once the copied tag appears, it already verifies at the destination.
  let trustReport: CopyReport['trust'];
  if (options.withTrust) {
    const trust = await resolveTrust(src.name, options, ctx, src);
    // Never carry metadata that does not verify from the pinned root.
    await TrustRepository.load(trust.store, trust.pinnedRoot);
    let to = options.trustTo;
    if (!to) {
      if (trust.store.location !== defaultTrustLocation(src)) {
        throw new UsageError('no-trust-destination', `the trust repository ${trust.store.location} does not live next to ${src.repository}; say where to copy it with --trust-to LOCATION`);
      }
      to = defaultTrustLocation(dst);
    }
    const target = await openStore(to, ctx.cwd, ctx.registry ?? {});
    const result = await copyTrustRepository(trust.store, target);
    trustReport = { from: trust.store.location, to: target.location, ...result };
    ctx.log(`copied trust repository ${trust.store.location} → ${target.location} (${result.written} file(s) written, ${result.unchanged} already there)`);
  }

  const copied = await copyImage(client, src, manifest, { registry: dst.registry, repository: dst.repository }, tag, ctx.progress && ((done, total) => ctx.progress?.('copying blobs', done, total)));
  ctx.log(`copied ${src.text} → ${destination} (${copied.manifests} manifest(s), ${copied.blobsCopied} blob(s) uploaded)`);
  const report: CopyReport = { source: src.text, destination, ...copied };
  if (trustReport) report.trust = trustReport;
  return report;
}

/** Does a registry reference text carry its own tag (`…/name:tag`)? */
function hasExplicitTag(text: string): boolean {
  const path = text.split('@')[0] ?? '';
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last.includes(':');
}
