// `signet sign --role NAME --detached FILE`: the first step of k-of-n signing
// of a delegated role. The images are resolved and added to the next version
// of the role exactly as `signet sign` would, signed with this machine's key
// and written to FILE instead of being published (`signet delegation sign`
// and `signet delegation publish` finish it).

import { resolve } from 'node:path';
import { openImageSource } from '../image/image-source.js';
import { TrustRepository } from '../trust/trust-repository.js';
import { requireDelegatedPaths } from '../trust/delegated-paths.js';
import { prepareDetached, serializeDetached, summarize, type DetachedSummary } from '../trust/detached-role.js';
import { writeFileAtomic } from '../store/atomic-file.js';
import { targetsFor } from './sign.js';
import { groupByTrust, type TrustOptions } from './resolve-trust.js';
import { parseReferences, type ReferenceOptions } from './references.js';
import type { SignetContext } from './context.js';
import { UsageError } from '../errors.js';

export interface SignDetachedOptions extends TrustOptions, ReferenceOptions {
  role: string;
  /** Where to write the unpublished role file. */
  out: string;
}

export async function signDetachedImages(texts: readonly string[], options: SignDetachedOptions, ctx: SignetContext): Promise<DetachedSummary & { file: string; trustRepository: string }> {
  const refs = await parseReferences(texts, options, ctx);
  const groups = await groupByTrust(refs, options, ctx);
  if (groups.length !== 1) throw new UsageError('several-repositories', `a detached role file covers one trust repository; these images belong to ${groups.length}`);
  const { trust, items } = groups[0]!;
  const repo = await TrustRepository.load(trust.store, trust.pinnedRoot);
  for (const ref of items) {
    const manifest = await (await openImageSource(ref, ctx.registry)).getManifest(ref);
    const entries = targetsFor(ref, manifest);
    await requireDelegatedPaths(repo, options.role, entries.map((e) => e.name));
    for (const entry of entries) await repo.addTarget(entry, options.role);
  }
  for (const [role, why] of repo.restarted) {
    ctx.log(`warning: ${role}: its published content does not meet its current keys (${why}); this file starts it afresh: its earlier targets are dropped, re-sign the ones still wanted`);
  }
  const file = await prepareDetached(repo, options.role, { now: ctx.now, signers: ctx.keys.signers });
  const out = resolve(ctx.cwd, options.out);
  await writeFileAtomic(out, serializeDetached(file));
  return { ...(await summarize(await TrustRepository.load(trust.store, trust.pinnedRoot), file)), file: out, trustRepository: trust.store.location };
}
