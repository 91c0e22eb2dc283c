// `signet list`: what a trust repository signs, read through the writer's
// loader (every signature checked against the pinned root chain; expiry is
// reported, not enforced, so an operator can see a stale repository).

import { TrustRepository } from '../trust/trust-repository.js';
import { isExpired } from '../metadata/expiry.js';
import { resolveTrust } from './resolve-trust.js';
import { resolveRepository, type RepositoryOptions } from './resolve-repository.js';
import type { SignetContext } from './context.js';
import { FILE_TARGET_KIND } from '../files/file-targets.js';

export interface ListedTarget {
  name: string;
  digest: string;
  length: number;
  role: string;
  mediaType?: string;
  /** `file` for a file target (`signet sign file:…`). */
  kind?: 'file';
}

export interface ListReport {
  trustRepository: string;
  targets: ListedTarget[];
  expired: string[];
}

/**
 * Targets whose names start with `prefix` (all when empty), sorted by name.
 * With `image` (or without a prefix) the repository is chosen like
 * `signet status` does: --image, the explicit --trust-repo, else the trust
 * policy's only repository.
 */
export async function listSigned(prefix: string, options: RepositoryOptions, ctx: SignetContext): Promise<ListReport> {
  const name = prefix.replace(/[:@].*$/, '');
  const trust = name && !options.image ? await resolveTrust(name, options, ctx) : await resolveRepository(options, ctx);
  const repo = await TrustRepository.load(trust.store, trust.pinnedRoot);
  const targets = (await repo.listTargets())
    .filter((t) => t.name.startsWith(prefix))
    .map((t) => {
      const listed: ListedTarget = { name: t.name, digest: `sha256:${t.sha256}`, length: t.length, role: t.role };
      const mediaType = t.custom?.['mediaType'];
      if (typeof mediaType === 'string') listed.mediaType = mediaType;
      if (t.custom?.['kind'] === FILE_TARGET_KIND) listed.kind = FILE_TARGET_KIND;
      return listed;
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const expired: string[] = [];
  for (const [role, doc] of [['root', repo.root], ['timestamp', repo.timestamp], ['snapshot', repo.snapshot], ['targets', repo.targets]] as const) {
    if (isExpired(doc.signed.expires, ctx.now)) expired.push(`${role} (${doc.signed.expires})`);
  }
  return { trustRepository: trust.store.location, targets, expired };
}
