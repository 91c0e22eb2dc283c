// Publish a ceremony-signed root into an existing trust repository: the new
// root must follow the newest published one (signed by a threshold of the old
// and of the new root keys, TUF 5.3.4); snapshot and timestamp are re-signed
// so their keys and expiries follow the new root, targets too when its keys changed.

import type { Envelope, RootJSON } from '../metadata/types.js';
import { canonicalBytes } from '../metadata/canonical-json.js';
import type { MetadataStore } from '../store/metadata-store.js';
import { TrustRepository, type PublishOptions } from '../trust/trust-repository.js';
import { verifyRootUpdate } from '../trust/root-chain.js';
import { binsFollowTargetsKeys } from '../trust/bins-layout.js';
import { VerificationError } from '../errors.js';
import { loadSalvaging } from '../trust/salvage.js';

export interface PublishRootResult {
  location: string;
  version: number;
  /** False when this exact root was already the newest published one. */
  published: boolean;
  /** Roles re-signed along with the root. */
  resigned: string[];
}

export async function publishRoot(
  store: MetadataStore,
  pinned: Envelope<RootJSON>,
  next: Envelope<RootJSON>,
  options: PublishOptions,
): Promise<PublishRootResult> {
  return store.withLock(async () => {
    const repo = await loadOrSalvage(store, pinned, options);
    const current = repo.root;
    const result: PublishRootResult = { location: store.location, version: next.signed.version, published: false, resigned: [] };
    if (current.signed.version === next.signed.version && Buffer.compare(canonicalBytes(current.signed), canonicalBytes(next.signed)) === 0) {
      return result;
    }
    if (next.signed.version <= current.signed.version) {
      throw new VerificationError('root-version', `${store.location} already has root v${current.signed.version}; this root is v${next.signed.version}`);
    }
    verifyRootUpdate(current, next);
    if (roleKeysChanged(current, next, 'targets')) {
      // Hashed bins signed by the targets keys change keys with them.
      const before = current.signed.roles['targets'];
      const after = next.signed.roles['targets'];
      if (before && after) await binsFollowTargetsKeys(repo, { oldKeyIds: before.keyids, newKeyIds: after.keyids, threshold: after.threshold, keys: next.signed.keys });
    }
    repo.setRoot(next);
    if (roleKeysChanged(current, next, 'targets')) {
      repo.markDirty('targets');
      result.resigned.push('targets');
    }
    repo.markDirty('snapshot');
    result.resigned.push('snapshot', 'timestamp');
    await repo.publish(options);
    await options.memory?.record(repo);
    result.published = true;
    return result;
  });
}

/**
 * The repository as `TrustRepository.load` gives it; when its current
 * timestamp or snapshot does not load (broken by whoever stole their key,
 * e.g. a version of 2^53+1), the newest state that verifies instead, so the
 * root that rotates those keys can still be published (issue 12, finding 6).
 */
async function loadOrSalvage(store: MetadataStore, pinned: Envelope<RootJSON>, options: PublishOptions): Promise<TrustRepository> {
  try {
    return await TrustRepository.load(store, pinned);
  } catch (error) {
    if (!(error instanceof VerificationError)) throw error;
    const salvaged = await loadSalvaging(store, pinned, options.now, (await options.memory?.seen())?.timestamp);
    if (salvaged.replaced.length === 0) throw error;
    options.log?.(`${store.location}: replacing ${salvaged.reasons.join('; ')}`);
    return salvaged.repo;
  }
}

function roleKeysChanged(a: Envelope<RootJSON>, b: Envelope<RootJSON>, role: string): boolean {
  const x = a.signed.roles[role];
  const y = b.signed.roles[role];
  if (!x || !y) return true;
  const keysOf = (root: Envelope<RootJSON>, ids: string[]) => ids.map((id) => JSON.stringify(root.signed.keys[id] ?? null)).sort();
  return x.threshold !== y.threshold || JSON.stringify(keysOf(a, x.keyids)) !== JSON.stringify(keysOf(b, y.keyids));
}
