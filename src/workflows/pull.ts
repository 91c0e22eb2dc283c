// `signet pull`: verify a registry image against its trust repository first
// (tuf-js session, exact manifest bytes), then copy exactly those bytes and
// everything they reference into an OCI image layout, checking every blob.

import { resolve } from 'node:path';
import type { RegistryReference } from '../image/image-reference.js';
import type { Manifest } from '../image/manifest.js';
import { withTrustSession } from '../verify/trust-session.js';
import { verifyManifest, type VerifiedImage } from '../verify/verify-image.js';
import { UsageError } from '../errors.js';
import { groupByTrust, type TrustOptions } from './resolve-trust.js';
import { parseReferences } from './references.js';
import type { SignetContext } from './context.js';

export interface PullOptions extends TrustOptions {
  /** Destination OCI layout directory (created, or an existing layout to add to). */
  to: string;
}

export interface PullReport extends VerifiedImage {
  dir: string;
  manifests: number;
  blobs: number;
  bytes: number;
}

export async function pullVerifiedImage(text: string, options: PullOptions, ctx: SignetContext): Promise<PullReport> {
  if (options.bundle) {
    // Air-gapped: the image and its trust metadata both come from the bundle.
    const { pullFromBundle, parseSignedName } = await import('../bundle/bundle-pull.js');
    return pullFromBundle(await parseSignedName(text), options.bundle, options.to, options, ctx);
  }
  const [ref] = await parseReferences([text], {}, ctx);
  if (ref?.kind !== 'registry') throw new UsageError('bad-reference', `signet pull copies from a registry; "${text}" is not a registry reference`);
  const [group] = await groupByTrust([ref], options, ctx);
  if (!group) throw new UsageError('no-trust-repository', `no trust repository covers ${ref.name}: set one up with \`signet trust add --scope '${ref.name}' --store LOCATION --root ROOT.json\``);
  const { registryClientFor } = await import('../registry/registry-source.js');
  const registry = ctx.registry ?? {};
  const client = registryClientFor(registry);
  const source = { store: group.trust.store, pinnedRoot: group.trust.pinnedRootBytes, home: ctx.home, scope: group.trust.scope };
  // Verification first: nothing is written unless the manifest is the signed one.
  const { verified, manifest } = await withTrustSession(source, async (session) => {
    const fetched: Manifest = await client.getManifest(ref as RegistryReference);
    return { verified: await verifyManifest(session, ref, fetched), manifest: fetched };
  });
  ctx.log(`verified ${verified.verified}; copying into ${options.to}`);
  const { pullImage } = await import('../registry/pull-image.js');
  // Progress goes to a terminal only (ctx.progress is unset in CI and with a redirected stderr).
  const result = await pullImage(client, ref, manifest, resolve(ctx.cwd, options.to), ctx.progress && ((done, total) => ctx.progress?.('pulling blobs', done, total)));
  return { ...verified, dir: result.dir, manifests: result.manifests, blobs: result.blobs, bytes: result.bytes };
}
