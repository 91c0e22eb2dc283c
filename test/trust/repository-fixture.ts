// A throw-away trust repository for trust tests: in-memory ed25519 signers
// (no scrypt), a DirectoryStore in a temp dir, and a tuf-js verifier with its
// own SIGNET_HOME, so tests can play writer, attacker and deploy side.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEd25519 } from '../../src/keys/ed25519.js';
import { ed25519Signer, type Signer, type SignerProvider } from '../../src/keys/signer.js';
import { buildRoot } from '../../src/trust/root-builder.js';
import { signEnvelope } from '../../src/metadata/signing.js';
import { initializeRepository } from '../../src/trust/initialize.js';
import { DirectoryStore } from '../../src/store/directory-store.js';
import { TrustRepository, serialize, updateRepository } from '../../src/trust/trust-repository.js';
import { withTrustSession, type TargetInfo } from '../../src/verify/trust-session.js';
import type { Envelope, RootJSON, TargetsJSON } from '../../src/metadata/types.js';
import type { RoleType } from '../../src/metadata/types.js';
import { createHash } from 'node:crypto';

export async function newSigner(): Promise<Signer> {
  const { seed, publicKey } = await generateEd25519();
  return ed25519Signer(seed, publicKey);
}

export class Keyring {
  private readonly keys = new Map<string, Signer>();
  add(...signers: Signer[]): void {
    for (const s of signers) this.keys.set(s.keyId, s);
  }
  remove(keyId: string): void {
    this.keys.delete(keyId);
  }
  provider(): SignerProvider {
    return async (_role, keyIds) => keyIds.map((id) => this.keys.get(id)).filter((s): s is Signer => s !== undefined);
  }
}

export interface Fixture {
  dir: string;
  store: DirectoryStore;
  pinned: Envelope<RootJSON>;
  pinnedBytes: Buffer;
  roleKeys: Record<RoleType, Signer>;
  keyring: Keyring;
  cleanup(): Promise<void>;
  load(): Promise<TrustRepository>;
  update<T>(now: Date, edit: (repo: TrustRepository) => Promise<T>): Promise<T>;
  /** A fresh deploy-side home (empty trusted state). */
  newHome(): Promise<string>;
  /** Look up targets as a verifier with trusted state in `home`. */
  verify(home: string, names: string[]): Promise<Array<TargetInfo | undefined>>;
}

export const DAY = 86400_000;

export async function createFixture(options: { now?: Date; expirySeconds?: Partial<Record<RoleType, number>> } = {}): Promise<Fixture> {
  const now = options.now ?? new Date();
  const dir = await mkdtemp(join(tmpdir(), 'signet-revoke-'));
  const store = new DirectoryStore(join(dir, 'repo'));
  const roleKeys = {
    root: await newSigner(),
    targets: await newSigner(),
    snapshot: await newSigner(),
    timestamp: await newSigner(),
  };
  const keyring = new Keyring();
  keyring.add(...Object.values(roleKeys));
  const spec = (role: RoleType) => ({ keys: [roleKeys[role].publicKey], threshold: 1 });
  const pinned = buildRoot({
    now,
    roles: { root: spec('root'), targets: spec('targets'), snapshot: spec('snapshot'), timestamp: spec('timestamp') },
    ...(options.expirySeconds ? { expirySeconds: options.expirySeconds } : {}),
  });
  await signEnvelope(pinned, [roleKeys.root]);
  await initializeRepository(store, pinned, { signers: keyring.provider(), now });
  const pinnedBytes = serialize(pinned);
  let homes = 0;
  return {
    dir,
    store,
    pinned,
    pinnedBytes,
    roleKeys,
    keyring,
    cleanup: () => rm(dir, { recursive: true, force: true }),
    load: () => TrustRepository.load(store, pinned),
    update: (at, edit) => updateRepository(store, pinned, { signers: keyring.provider(), now: at }, edit),
    newHome: async () => join(dir, `home-${++homes}`),
    verify: (home, names) =>
      withTrustSession({ store, pinnedRoot: pinnedBytes, home }, async (session) => {
        const out: Array<TargetInfo | undefined> = [];
        for (const name of names) out.push(await session.lookup(name));
        return out;
      }),
  };
}

/** A fake manifest digest (hex) for `label`. */
export function fakeDigest(label: string): string {
  return createHash('sha256').update(label).digest('hex');
}

/** Sign `name:tag` and `name@sha256:<digest>` the way `signet sign` does. */
export async function addImage(repo: TrustRepository, name: string, tag: string, hex: string, role?: string, custom: Record<string, unknown> = { mediaType: 'application/vnd.oci.image.manifest.v1+json' }): Promise<void> {
  await repo.addTarget({ name: `${name}:${tag}`, length: 100, sha256: hex, custom }, role);
  await repo.addTarget({ name: `${name}@sha256:${hex}`, length: 100, sha256: hex, custom }, role);
}

export interface ForgeOptions {
  /** A targets role to publish a new version of, signed by `signers`. */
  role?: { name: string; signers: Signer[]; edit?: (targets: Record<string, { length: number; hashes: Record<string, string> }>) => void };
  snapshotSigners: Signer[];
  timestampSigners: Signer[];
  /** Version for the forged timestamp (default: current + 1). */
  timestampVersion?: number;
}

/**
 * Publish metadata as an attacker holding some keys would: bypassing the
 * writer's checks, straight into the store. Returns the bytes of the
 * timestamp it replaced, so a test can restore it.
 */
export async function forge(fx: Fixture, options: ForgeOptions): Promise<Uint8Array> {
  const repo = await fx.load();
  const previous = (await fx.store.get('timestamp.json', 1 << 20))!;
  if (options.role) {
    // Read the role as published, without the writer's signature checks (the attacker does not care).
    const file = `${encodeURIComponent(options.role.name)}.json`;
    const listed = repo.snapshot.signed.meta[file]!;
    const doc = JSON.parse(Buffer.from((await fx.store.get(`${listed.version}.${file}`, 1 << 24))!).toString('utf8')) as Envelope<TargetsJSON>;
    doc.signed.version += 1;
    options.role.edit?.(doc.signed.targets);
    await signEnvelope(doc, options.role.signers);
    await fx.store.put(`${doc.signed.version}.${encodeURIComponent(options.role.name)}.json`, serialize(doc));
    repo.snapshot.signed.meta[`${encodeURIComponent(options.role.name)}.json`] = { version: doc.signed.version };
  }
  repo.snapshot.signed.version += 1;
  await signEnvelope(repo.snapshot, options.snapshotSigners);
  const snapBytes = serialize(repo.snapshot);
  await fx.store.put(`${repo.snapshot.signed.version}.snapshot.json`, snapBytes);
  repo.timestamp.signed.version = options.timestampVersion ?? repo.timestamp.signed.version + 1;
  repo.timestamp.signed.meta['snapshot.json'] = { version: repo.snapshot.signed.version, length: snapBytes.length, hashes: { sha256: createHash('sha256').update(snapBytes).digest('hex') } };
  await signEnvelope(repo.timestamp, options.timestampSigners);
  await fx.store.put('timestamp.json', serialize(repo.timestamp));
  return previous;
}
