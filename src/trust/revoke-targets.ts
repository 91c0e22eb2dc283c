// Revocation of signed images: remove a tag's targets, or every target that
// points at a digest, from whichever roles sign them, and leave a signed
// record of when and why in each role touched. The caller publishes once.

import type { TargetFileJSON } from '../metadata/types.js';
import { formatExpiry } from '../metadata/expiry.js';
import { isSha256Digest } from '../metadata/digest.js';
import type { TrustRepository } from './trust-repository.js';
import { childDigestsOf, parseTargetName } from './target-names.js';
import { digestTargetName, tagTargetName } from '../image/image-reference.js';
import { recordRevocation } from './revocation-records.js';
import { UsageError } from '../errors.js';

export type RevokeRequest =
  /** `name:tag`, plus the digest targets only that tag kept alive. */
  | { kind: 'tag'; name: string; tag: string }
  /** Every target whose sha256 is `digest` (optionally only for image `name`). */
  | { kind: 'digest'; digest: string; name?: string }
  /** Exactly the target called `name` (a file target). */
  | { kind: 'target'; name: string };

export interface RevokedTarget {
  target: string;
  role: string;
  /** `sha256:<hex>` the target pointed at. */
  digest: string;
}

export interface RevokeOptions {
  now: Date;
  reason?: string;
}

interface Listed {
  target: string;
  role: string;
  sha256: string;
  file: Pick<TargetFileJSON, 'custom'>;
}

/**
 * Remove the requested targets from `repo` (not yet published). Throws a
 * UsageError naming the first request that matches nothing, before changing
 * anything, so a typo never publishes a partial revocation.
 */
export async function revokeTargets(repo: TrustRepository, requests: readonly RevokeRequest[], options: RevokeOptions): Promise<RevokedTarget[]> {
  const listing: Listed[] = (await repo.listTargets()).map((t) => ({ target: t.name, role: t.role, sha256: t.sha256, file: t.custom ? { custom: t.custom } : {} }));
  const doomed = new Set<Listed>();
  /** image name -> digests (hex) whose digest targets may go too */
  const orphanCandidates = new Map<string, Set<string>>();
  const addCandidates = (entry: Listed) => {
    const image = parseTargetName(entry.target)?.name;
    if (!image) return;
    const set = orphanCandidates.get(image) ?? new Set<string>();
    set.add(entry.sha256);
    for (const child of childDigestsOf(entry.file)) set.add(child.slice('sha256:'.length));
    orphanCandidates.set(image, set);
  };

  for (const request of requests) {
    let matched: Listed[];
    if (request.kind === 'tag') {
      const target = tagTargetName(request.name, request.tag);
      matched = listing.filter((e) => e.target === target);
      if (matched.length === 0) throw new UsageError('not-signed', `${target} is not signed in ${repo.store.location}; nothing was revoked`);
    } else if (request.kind === 'target') {
      matched = listing.filter((e) => e.target === request.name);
      if (matched.length === 0) throw new UsageError('not-signed', `${request.name} is not signed in ${repo.store.location}; nothing was revoked`);
    } else {
      if (!isSha256Digest(request.digest)) throw new UsageError('bad-digest', `${JSON.stringify(request.digest)} is not a sha256:<64 hex> digest`);
      const hex = request.digest.slice('sha256:'.length);
      matched = listing.filter((e) => e.sha256 === hex && (request.name === undefined || parseTargetName(e.target)?.name === request.name));
      if (matched.length === 0) throw new UsageError('not-signed', `no target points at ${request.digest} in ${repo.store.location}; nothing was revoked`);
    }
    for (const entry of matched) {
      doomed.add(entry);
      addCandidates(entry);
    }
  }

  // Digest targets (and platform manifests) go when no remaining tag of the same image still refers to them.
  for (const [image, digests] of orphanCandidates) {
    const referenced = new Set<string>();
    for (const entry of listing) {
      if (doomed.has(entry)) continue;
      const parsed = parseTargetName(entry.target);
      if (parsed?.name !== image || parsed.tag === undefined) continue;
      referenced.add(entry.sha256);
      for (const child of childDigestsOf(entry.file)) referenced.add(child.slice('sha256:'.length));
    }
    for (const hex of digests) {
      if (referenced.has(hex)) continue;
      const name = digestTargetName(image, `sha256:${hex}`);
      for (const entry of listing) if (entry.target === name) doomed.add(entry);
    }
  }

  const revoked: RevokedTarget[] = [];
  const when = formatExpiry(options.now);
  for (const entry of doomed) {
    const doc = await repo.role(entry.role);
    if (!Object.hasOwn(doc.signed.targets, entry.target)) continue;
    delete doc.signed.targets[entry.target];
    const record = { revoked: when, sha256: entry.sha256, ...(options.reason ? { reason: options.reason } : {}) };
    recordRevocation(doc.signed, entry.target, record);
    repo.markDirty(entry.role);
    revoked.push({ target: entry.target, role: entry.role, digest: `sha256:${entry.sha256}` });
  }
  return revoked.sort((a, b) => a.target.localeCompare(b.target));
}
