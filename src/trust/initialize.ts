// Create a new trust repository in an empty store from a signed root:
// 1.root.json, 1.targets.json, 1.snapshot.json, timestamp.json; with hashed
// bins also 2.targets.json delegating to 1.bins-*.json.

import type { Envelope, RootJSON, SnapshotJSON, TargetsJSON, TimestampJSON } from '../metadata/types.js';
import { SPEC_VERSION } from '../metadata/types.js';
import { requireThreshold } from '../metadata/signing.js';
import { expiryAfter } from '../metadata/expiry.js';
import { sha256Hex } from '../metadata/digest.js';
import type { MetadataStore } from '../store/metadata-store.js';
import type { SignerProvider } from '../keys/signer.js';
import { rootThreshold } from './root-chain.js';
import { expirySecondsFor } from './root-builder.js';
import { roleKeys, serialize } from './trust-repository.js';
import { metaFileFor } from './metadata-files.js';
import { signEnvelope } from '../metadata/signing.js';
import { UsageError } from '../errors.js';
import { TrustRepository } from './trust-repository.js';
import { enableBins, type BinsOptions } from './bins-layout.js';

export interface InitializeOptions {
  signers: SignerProvider;
  now: Date;
  /** Refuse to overwrite a store that already holds a repository (default), or not. */
  force?: boolean;
  /**
   * Lay the repository out in succinct hashed bins (TAP 15) from the start:
   * for repositories expected to hold thousands of targets.
   */
  bins?: BinsOptions;
}

/** Throws UsageError('store-not-empty') when `store` already holds metadata (checked again under the lock by initializeRepository). */
export async function requireEmptyStore(store: MetadataStore): Promise<void> {
  const existing = (await store.list()).filter((name) => name.endsWith('.json'));
  if (existing.length > 0) {
    throw new UsageError('store-not-empty', `${store.location} already holds trust metadata (${existing.length} files); choose an empty location`);
  }
}

/** Publish version 1 of every top-level role. `root` must already meet its threshold. */
export async function initializeRepository(store: MetadataStore, root: Envelope<RootJSON>, options: InitializeOptions): Promise<void> {
  requireThreshold(rootThreshold(root));
  await store.withLock(async () => {
    if (!options.force) await requireEmptyStore(store);
    const { now, signers } = options;
    const expires = (role: string) => expiryAfter(now, expirySecondsFor(root.signed, role));
    const sign = async (role: string, envelope: Envelope<unknown>) => {
      const keys = roleKeys(root, role);
      const available = (await signers(role, keys.keyids)).filter((s) => keys.keyids.includes(s.keyId));
      if (available.length < keys.threshold) {
        throw new UsageError('missing-signing-key', `${role} needs ${keys.threshold} key(s) to sign, ${available.length} available`);
      }
      await signEnvelope(envelope, available);
    };

    const targets: Envelope<TargetsJSON> = {
      signed: { _type: 'targets', spec_version: SPEC_VERSION, version: 1, expires: expires('targets'), targets: {} },
      signatures: [],
    };
    await sign('targets', targets);
    const targetsBytes = serialize(targets);
    const snapshot: Envelope<SnapshotJSON> = {
      // TUF 4.4: the snapshot pins each targets file's length and hash, not only its version.
      signed: { _type: 'snapshot', spec_version: SPEC_VERSION, version: 1, expires: expires('snapshot'), meta: { 'targets.json': metaFileFor(1, targetsBytes) } },
      signatures: [],
    };
    await sign('snapshot', snapshot);
    const snapshotBytes = serialize(snapshot);
    const timestamp: Envelope<TimestampJSON> = {
      signed: {
        _type: 'timestamp',
        spec_version: SPEC_VERSION,
        version: 1,
        expires: expires('timestamp'),
        meta: { 'snapshot.json': { version: 1, length: snapshotBytes.length, hashes: { sha256: sha256Hex(snapshotBytes) } } },
      },
      signatures: [],
    };
    await sign('timestamp', timestamp);

    await store.put(`${root.signed.version}.root.json`, serialize(root));
    await store.put('1.targets.json', targetsBytes);
    await store.put('1.snapshot.json', snapshotBytes);
    await store.put('timestamp.json', serialize(timestamp));

    if (options.bins) {
      // Version 2 of targets delegates to every bin (each published at version 1).
      const repo = await TrustRepository.load(store, root);
      await enableBins(repo, options.bins);
      await repo.publish({ signers, now });
    }
  });
}
