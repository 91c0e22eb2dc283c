// Root metadata trust on the writer side and in the offline ceremony: a root
// verifies by its own threshold, and a new root version additionally by a
// threshold of the previous root's keys (TUF 5.3.4). Expiry is not checked
// here: a writer must be able to re-sign an expired repository.

import type { Envelope, RootJSON } from '../metadata/types.js';
import { parseEnvelope } from '../metadata/types.js';
import { checkThreshold, requireThreshold, type ThresholdResult } from '../metadata/signing.js';
import { metadataFileName, type MetadataStore } from '../store/metadata-store.js';
import { VerificationError } from '../errors.js';
import { LIMITS } from '../limits.js';

export function parseRoot(bytes: Uint8Array, what = 'root'): Envelope<RootJSON> {
  const root = parseEnvelope<RootJSON>(bytes, 'root', what);
  const roles = root.signed.roles;
  for (const role of ['root', 'targets', 'snapshot', 'timestamp']) {
    if (typeof roles !== 'object' || roles === null || !Object.hasOwn(roles, role)) {
      throw new VerificationError('metadata-format', `${what} does not define the ${role} role`);
    }
  }
  return root;
}

/** Signatures on `root` counted against the root role of `by` (itself by default). */
export function rootThreshold(root: Envelope<RootJSON>, by: Envelope<RootJSON> = root): ThresholdResult {
  return checkThreshold('root', root, by.signed.keys, by.signed.roles['root']!);
}

/** TUF 5.3.4/5.3.5: `next` must be version `trusted + 1`, signed by both roots' thresholds. */
export function verifyRootUpdate(trusted: Envelope<RootJSON>, next: Envelope<RootJSON>): void {
  const old = rootThreshold(next, trusted);
  if (!old.met) {
    throw new VerificationError(
      'root-not-cross-signed',
      `root v${next.signed.version} is signed by ${old.valid.length}/${old.threshold} keys of root v${trusted.signed.version}; a rotation needs a threshold of the old root's keys too`,
    );
  }
  const own = rootThreshold(next);
  requireThreshold({ ...own, role: `root v${next.signed.version}` });
  // TUF 5.3.5: version must be exactly one more.
  if (next.signed.version !== trusted.signed.version + 1) {
    throw new VerificationError('root-version', `expected root v${trusted.signed.version + 1}, got v${next.signed.version}`);
  }
}

/**
 * Walk `N.root.json` from the pinned root to the newest one the store has,
 * verifying each step. Returns the newest root and its raw bytes.
 */
export async function loadLatestRoot(
  store: MetadataStore,
  pinned: Envelope<RootJSON>,
): Promise<Envelope<RootJSON>> {
  requireThreshold({ ...rootThreshold(pinned), role: `pinned root v${pinned.signed.version}` });
  let trusted = pinned;
  for (let i = 0; i < LIMITS.maxRootRotations; i++) {
    const name = metadataFileName('root', trusted.signed.version + 1);
    const bytes = await store.get(name, LIMITS.rootBytes);
    if (bytes === undefined) return trusted;
    const next = parseRoot(bytes, name);
    verifyRootUpdate(trusted, next);
    trusted = next;
  }
  throw new VerificationError('too-many-rotations', `more than ${LIMITS.maxRootRotations} root rotations in ${store.location}`);
}
