// `signet sign`: resolve each image reference to the exact manifest bytes,
// then add a tag target, a digest target and (for an index) each platform
// manifest's digest target; hash each `file:` reference into its one file
// target; one publish per trust repository for images and files together.

import type { ImageReference } from '../image/image-reference.js';
import { digestTargetName, tagTargetName } from '../image/image-reference.js';
import { openImageSource } from '../image/image-source.js';
import { childManifests, targetCustom, type Manifest } from '../image/manifest.js';
import { sha256Hex } from '../metadata/digest.js';
import { memoizeSigners, type TargetEntry, type TrustRepository } from '../trust/trust-repository.js';
import { updateRepository } from '../trust/update-repository.js';
import { WarmRepository } from '../trust/warm-repository.js';
import { unlockAhead } from './unlock-ahead.js';
import { AUTO_BINS_TARGETS, enableBins } from '../trust/bins-layout.js';
import { SignetError } from '../errors.js';
import { ImageSources } from './image-sources.js';
import { groupByTrust, type TrustOptions } from './resolve-trust.js';
import { parseTargetReferences, type ReferenceOptions, type TargetReference } from './references.js';
import { fileTargetEntry, hashFileReference, signedFile, type SignedFile } from '../files/file-targets.js';
import type { ReceivedContent } from '../verify/content-check.js';
import { mapLimit } from './map-limit.js';
import { forEachBounded } from '../trust/for-each-bounded.js';
import { LIMITS } from '../limits.js';
import { requireDelegatedPaths } from '../trust/delegated-paths.js';
import { publishMemoryFor, type SignetContext } from './context.js';
import { TRUST_TAG_PREFIX } from '../store/oci-tags.js';

export interface SignOptions extends TrustOptions, ReferenceOptions {
  /** Sign into this delegated role instead of the top-level targets role. */
  role?: string;
  /** Sign every tag of each referenced repository. */
  allTags?: boolean;
  /** Manifests resolved at once (registry requests in flight). */
  concurrency?: number;
  /** Sign file targets with sha512 beside sha256. */
  sha512?: boolean;
}

export interface SignedImage {
  kind: 'image';
  reference: string;
  name: string;
  tag?: string;
  digest: string;
  size: number;
  mediaType: string;
  /** Target names added or replaced. */
  targets: string[];
  trustRepository: string;
}

export type SignedTarget = SignedImage | SignedFile;

export async function signImages(texts: readonly string[], options: SignOptions, ctx: SignetContext): Promise<SignedTarget[]> {
  const refs = await expandTags(await parseTargetReferences(texts, options, ctx), options, ctx);
  const groups = await groupByTrust(refs, options, ctx);
  // Unlock the keys each pinned root names while the manifests resolve, and
  // before taking the publish lock (scrypt must not run while other
  // publishers wait). Progress is held back until the keys are unlocked so a
  // passphrase prompt stays readable.
  const signers = memoizeSigners(ctx.keys.signers);
  let unlocked = false;
  let held: [string, number, number] | undefined;
  const progress = (phase: string, done: number, total: number) => {
    if (unlocked) ctx.progress?.(phase, done, total);
    else held = [phase, done, total];
  };
  // A failed unlock is reported by publish, which asks the memoized provider again.
  const unlocking = unlockAhead(groups.map((g) => g.trust.pinnedRoot), signers).finally(() => {
    unlocked = true;
    if (held) ctx.progress?.(...held);
  });

  // Each trust repository loads (read-only, verified) while the manifests
  // resolve, and the bins each resolved manifest will go into load with it;
  // publish uses that state only if nothing was published in between.
  const warm = new Map(groups.map((group) => [group, new WarmRepository(group.trust.store, group.trust.pinnedRoot)]));
  const warmFor = new Map<TargetReference, WarmRepository>();
  for (const [group, repo] of warm) for (const item of group.items) warmFor.set(item, repo);

  const sources = new ImageSources(ctx.registry);
  let done = 0;
  progress('resolving', 0, refs.length);
  const manifests = new Map<ImageReference, Manifest>();
  const files = new Map<TargetReference, ReceivedContent>();
  await mapLimit(refs, options.concurrency ?? 8, async (ref) => {
    if (ref.kind === 'file') files.set(ref, await hashFileReference(ref, options));
    else manifests.set(ref, await (await sources.for(ref)).getManifest(ref));
    if (options.role === undefined) warmFor.get(ref)?.preloadTargets(ref.kind === 'file' ? [ref.name] : targetsFor(ref, manifests.get(ref)!).map((e) => e.name));
    progress('resolving', ++done, refs.length);
  });
  await unlocking;

  const results: SignedTarget[] = [];
  for (const group of groups) {
    // The edit may run again after a lost race, so it builds its results afresh.
    const groupResults = await updateRepository(group.trust.store, group.trust.pinnedRoot, { signers, now: ctx.now, log: ctx.log, memory: publishMemoryFor(ctx, group.trust.store) }, async (repo) => {
      await preloadRoles(repo, group.items, manifests, options.role);
      const signedHere: SignedTarget[] = [];
      for (const ref of group.items) {
        if (ref.kind === 'file') {
          const content = files.get(ref)!;
          if (options.role) await requireDelegatedPaths(repo, options.role, [ref.name]);
          await repo.addTarget(fileTargetEntry(ref, content), options.role);
          signedHere.push(signedFile(ref, content, group.trust.store.location));
          continue;
        }
        const manifest = manifests.get(ref)!;
        const entries = targetsFor(ref, manifest);
        if (options.role) await requireDelegatedPaths(repo, options.role, entries.map((e) => e.name));
        if (ref.tag) await warnIfDigestChanged(repo, entries[0]!, options.role, ctx);
        for (const entry of entries) await repo.addTarget(entry, options.role);
        const signed: SignedImage = {
          kind: 'image',
          reference: ref.text,
          name: ref.name,
          digest: manifest.digest,
          size: manifest.size,
          mediaType: manifest.mediaType,
          targets: entries.map((e) => e.name),
          trustRepository: group.trust.store.location,
        };
        if (ref.tag) signed.tag = ref.tag;
        signedHere.push(signed);
      }
      await binsPastThreshold(repo, ctx);
      return signedHere;
    }, warm.get(group));
    results.push(...groupResults);
  }
  return results;
}

/**
 * A flat repository (no delegations) that this publish takes past
 * AUTO_BINS_TARGETS moves to hashed bins in the same publish, so no verifier
 * meets a large targets.json. Versions only go up: verifiers holding the flat
 * metadata follow. A repository where bins cannot go (a `bins-` file already
 * listed) keeps its layout and gets the hint.
 */
async function binsPastThreshold(repo: TrustRepository, ctx: SignetContext): Promise<void> {
  const flat = Object.keys(repo.targets.signed.targets).length;
  if (repo.targets.signed.delegations || flat <= AUTO_BINS_TARGETS) return;
  try {
    const moved = await enableBins(repo);
    ctx.log(`${repo.store.location} passed ${AUTO_BINS_TARGETS} targets: moved its ${moved.moved} targets to ${moved.bins} hashed bins in this publish (verifiers follow without action)`);
  } catch (error) {
    if (!(error instanceof SignetError) || error.kind !== 'usage') throw error;
    ctx.log(`hint: ${repo.store.location} holds ${flat} targets in one targets.json and could not move to bins (${error.message})`);
  }
}

/**
 * Load every role this sign edits, a few at a time, before the edits (which
 * go one by one): 1,000 tags touch most of 512 bins, and loading each on
 * first use read and verified them one after another. A role that fails to
 * load is left alone here; the edit meets the same error and reports it.
 */
async function preloadRoles(repo: TrustRepository, items: readonly TargetReference[], manifests: ReadonlyMap<ImageReference, Manifest>, role: string | undefined): Promise<void> {
  const roles = new Set<string>();
  for (const ref of items) {
    if (role !== undefined) break;
    if (ref.kind === 'file') roles.add(repo.roleFor(ref.name));
    else for (const entry of targetsFor(ref, manifests.get(ref)!)) roles.add(repo.roleFor(entry.name));
  }
  if (role !== undefined) roles.add(role);
  await forEachBounded([...roles], LIMITS.publishConcurrency, async (name) => {
    await repo.role(name).catch(() => undefined);
  });
}

/** The targets that sign one manifest: its tag (if any), its digest, and an index's children. */
export function targetsFor(ref: ImageReference, manifest: Manifest): TargetEntry[] {
  const sha256 = sha256Hex(manifest.bytes);
  const custom = targetCustom(manifest);
  const entries: TargetEntry[] = [];
  if (ref.tag) entries.push({ name: tagTargetName(ref.name, ref.tag), length: manifest.bytes.length, sha256, custom });
  entries.push({ name: digestTargetName(ref.name, manifest.digest), length: manifest.bytes.length, sha256, custom });
  for (const child of childManifests(manifest)) {
    const childCustom: Record<string, unknown> = { mediaType: child.mediaType, index: manifest.digest };
    if (child.platform) childCustom['platform'] = child.platform;
    entries.push({ name: digestTargetName(ref.name, child.digest), length: child.size, sha256: child.digest.slice('sha256:'.length), custom: childCustom });
  }
  return entries;
}

async function expandTags(refs: TargetReference[], options: SignOptions, ctx: SignetContext): Promise<TargetReference[]> {
  if (!options.allTags) return refs;
  const out: TargetReference[] = [];
  for (const ref of refs) {
    if (ref.kind === 'file') {
      out.push(ref);
      continue;
    }
    const source = await openImageSource(ref, ctx.registry);
    // Trust metadata kept in the image's own repository (tags `signet.*`) is not an image to sign.
    const tags = (await source.listTags(ref)).filter((tag) => !tag.startsWith(TRUST_TAG_PREFIX));
    ctx.log(`${ref.text}: ${tags.length} tag(s)`);
    for (const tag of tags) {
      const text = ref.kind === 'oci-layout' ? `oci-layout:${ref.dir}:${tag}` : `${ref.registry}/${ref.repository}:${tag}`;
      const copy = { ...ref, tag, text } as ImageReference;
      delete copy.digest;
      out.push(copy);
    }
  }
  return out;
}

/**
 * Re-signing a tag whose signed digest differs is often the same image pushed
 * again by a tool that re-compressed its layers (a new manifest digest for the
 * same content). Say so: the earlier signature no longer matches what a
 * verifier pulls, and the fix is to sign after the push or copy with digests kept.
 */
async function warnIfDigestChanged(repo: TrustRepository, tagEntry: TargetEntry, role: string | undefined, ctx: SignetContext): Promise<void> {
  let before: string | undefined;
  try {
    const doc = await repo.roleIfVerifiable(role ?? repo.roleFor(tagEntry.name));
    const signed = doc && Object.hasOwn(doc.signed.targets, tagEntry.name) ? doc.signed.targets[tagEntry.name] : undefined;
    before = signed?.hashes['sha256'];
  } catch {
    return; // the signing itself reports any problem with the role
  }
  if (before === undefined || before === tagEntry.sha256) return;
  ctx.log(
    `warning: ${tagEntry.name} was signed as sha256:${before} and now resolves to sha256:${tagEntry.sha256}; signing the new digest. ` +
      'If this is the same image pushed again, the push re-compressed its layers (a new digest for the same content): sign after the final push, or copy with digests preserved (`signet copy`, `skopeo copy --preserve-digests`).',
  );
}
