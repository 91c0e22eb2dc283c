import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryStore } from '../../src/store/directory-store.js';
import { generateEd25519 } from '../../src/keys/ed25519.js';
import { ed25519Signer, type Signer, type SignerProvider } from '../../src/keys/signer.js';
import { buildRoot } from '../../src/trust/root-builder.js';
import { signEnvelope } from '../../src/metadata/signing.js';
import { initializeRepository } from '../../src/trust/initialize.js';
import { TrustRepository, serialize, updateRepository } from '../../src/trust/trust-repository.js';
import { bitLengthForBinCount, enableBins, migrateToBins } from '../../src/trust/bins-layout.js';
import { binFor } from '../../src/trust/succinct-bins.js';
import { withTrustSession } from '../../src/verify/trust-session.js';
import type { Envelope, RootJSON } from '../../src/metadata/types.js';
import { sha256Hex } from '../../src/metadata/digest.js';
import { CountingStore, binFiles } from '../support/counting-store.js';
import { rotateRoleKeys } from '../../src/trust/key-rotation.js';
import { revokeKey } from '../../src/trust/key-revocation.js';
import { publishRoot } from '../../src/ceremony/root-publish.js';

interface Fixture {
  dir: string;
  store: CountingStore;
  root: Envelope<RootJSON>;
  signers: SignerProvider;
  asked: string[];
}

let fixture: Fixture;

async function newSigner(): Promise<Signer> {
  const { seed, publicKey } = await generateEd25519();
  return ed25519Signer(seed, publicKey);
}

async function setUp(): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'signet-bins-'));
  const [rootKey, targetsKey, onlineKey] = [await newSigner(), await newSigner(), await newSigner()];
  const now = new Date();
  const spec = (s: Signer) => ({ keys: [s.publicKey], threshold: 1 });
  const root = buildRoot({ now, roles: { root: spec(rootKey), targets: spec(targetsKey), snapshot: spec(onlineKey), timestamp: spec(onlineKey) } });
  await signEnvelope(root, [rootKey]);
  const asked: string[] = [];
  const signers: SignerProvider = async (role, ids) => {
    asked.push(role);
    return [rootKey, targetsKey, onlineKey].filter((s) => ids.includes(s.keyId));
  };
  return { dir, store: new CountingStore(new DirectoryStore(join(dir, 'repo'))), root, signers, asked };
}

function entry(name: string) {
  const sha256 = sha256Hex(Buffer.from(name));
  return { name, length: 500 + name.length, sha256, custom: { mediaType: 'application/vnd.oci.image.manifest.v1+json' } };
}

async function addTargets(names: string[]): Promise<void> {
  await updateRepository(fixture.store, fixture.root, { signers: fixture.signers, now: new Date() }, async (repo) => {
    for (const name of names) await repo.addTarget(entry(name));
  });
}

function verifyWith<T>(home: string, work: (lookup: (name: string) => Promise<string | undefined>) => Promise<T>): Promise<T> {
  const source = { store: fixture.store, pinnedRoot: serialize(fixture.root), home: join(fixture.dir, home) };
  return withTrustSession(source, (session) => work(async (name) => (await session.lookup(name))?.hashes['sha256']));
}

const tags = (n: number, prefix = 'team/app:') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

beforeEach(async () => {
  fixture = await setUp();
});
afterEach(async () => {
  await rm(fixture.dir, { recursive: true, force: true });
});

describe('a repository created with hashed bins', () => {
  beforeEach(async () => {
    await initializeRepository(fixture.store, fixture.root, { signers: fixture.signers, now: new Date(), bins: { bitLength: 4 } });
  });

  it('publishes every bin and delegates to them from targets', async () => {
    const files = await fixture.store.list();
    expect(binFiles(files)).toHaveLength(16);
    const repo = await TrustRepository.load(fixture.store, fixture.root);
    expect(repo.targets.signed.delegations?.succinct_roles).toMatchObject({ bit_length: 4, name_prefix: 'bins' });
  });

  it('verifies every signed tag with a stock tuf-js Updater', async () => {
    const names = tags(40);
    await addTargets(names);
    await verifyWith('home', async (lookup) => {
      for (const name of names) expect(await lookup(name)).toBe(entry(name).sha256);
    });
  });

  it('reports a tag nobody signed as not signed, not as missing metadata', async () => {
    await addTargets(tags(3));
    await verifyWith('home', async (lookup) => {
      expect(await lookup('team/app:never-signed')).toBeUndefined();
    });
  });

  it('asks the signer provider for the targets key once when a publish touches many bins', async () => {
    fixture.asked.length = 0;
    await addTargets(tags(64));
    expect(fixture.asked.filter((r) => r === 'targets')).toHaveLength(1);
    expect(fixture.asked.some((r) => r.startsWith('bins-'))).toBe(false);
  });

  describe('when one more tag is signed', () => {
    it('reads one bin and rewrites exactly that bin, the snapshot and the timestamp', async () => {
      await addTargets(tags(200));
      fixture.store.reset();
      const name = 'team/app:one-more';
      await addTargets([name]);
      const bin = binFor({ keyids: [], threshold: 1, bit_length: 4, name_prefix: 'bins' }, name);
      expect(binFiles(fixture.store.gets)).toEqual([expect.stringMatching(new RegExp(`^\\d+\\.${bin}\\.json$`))]);
      expect(fixture.store.puts).toHaveLength(3);
      expect(fixture.store.puts[0]).toMatch(new RegExp(`^\\d+\\.${bin}\\.json$`));
      expect(fixture.store.puts[1]).toMatch(/^\d+\.snapshot\.json$/);
      expect(fixture.store.puts[2]).toBe('timestamp.json');
    });
  });

  describe('when a verifier looks up one tag on a cold cache', () => {
    it('downloads exactly one bin', async () => {
      await addTargets(tags(200));
      fixture.store.reset();
      await verifyWith('cold', async (lookup) => {
        expect(await lookup('team/app:7')).toBe(entry('team/app:7').sha256);
      });
      expect(binFiles(fixture.store.gets)).toHaveLength(1);
    });

    it('downloads no bin again on a warm cache when nothing changed', async () => {
      await addTargets(tags(20));
      await verifyWith('warm', (lookup) => lookup('team/app:7'));
      fixture.store.reset();
      await verifyWith('warm', async (lookup) => {
        expect(await lookup('team/app:7')).toBe(entry('team/app:7').sha256);
      });
      expect(binFiles(fixture.store.gets)).toEqual([]);
    });
  });

  it('downloads no bin for any tag once the verifier has cached them all', async () => {
    const names = tags(120);
    await addTargets(names);
    await verifyWith('all', async (lookup) => {
      for (const name of names) await lookup(name);
    });
    fixture.store.reset();
    await verifyWith('all', async (lookup) => {
      for (const name of names.slice(0, 40)) expect(await lookup(name)).toBe(entry(name).sha256);
    });
    expect(binFiles(fixture.store.gets)).toEqual([]);
  });

  it('refuses to migrate again', async () => {
    await expect(migrateToBins(fixture.store, fixture.root, { signers: fixture.signers, now: new Date() })).rejects.toMatchObject({ code: 'already-binned' });
  });
});

describe('migrating a flat repository to hashed bins', () => {
  const names = tags(60, 'org/svc:');

  beforeEach(async () => {
    await initializeRepository(fixture.store, fixture.root, { signers: fixture.signers, now: new Date() });
    await addTargets(names);
  });

  it('keeps every target verifiable', async () => {
    const result = await migrateToBins(fixture.store, fixture.root, { signers: fixture.signers, now: new Date() }, { bitLength: 3 });
    expect(result).toEqual({ bitLength: 3, bins: 8, moved: 60 });
    const repo = await TrustRepository.load(fixture.store, fixture.root);
    expect(Object.keys(repo.targets.signed.targets)).toEqual([]);
    await verifyWith('fresh', async (lookup) => {
      for (const name of names) expect(await lookup(name)).toBe(entry(name).sha256);
    });
  });

  it('moves a verifier holding the flat metadata forward without a rollback error', async () => {
    await verifyWith('old', async (lookup) => expect(await lookup(names[0]!)).toBeDefined());
    await migrateToBins(fixture.store, fixture.root, { signers: fixture.signers, now: new Date() }, { bitLength: 3 });
    await addTargets(['org/svc:after-migration']);
    await verifyWith('old', async (lookup) => {
      for (const name of [...names, 'org/svc:after-migration']) expect(await lookup(name)).toBe(entry(name).sha256);
    });
  });

  it('raises every role version, so no file is published twice under one name', async () => {
    const before = new Set(await fixture.store.list());
    fixture.store.reset();
    await migrateToBins(fixture.store, fixture.root, { signers: fixture.signers, now: new Date() }, { bitLength: 3 });
    for (const put of fixture.store.puts.filter((p) => p !== 'timestamp.json')) expect(before.has(put)).toBe(false);
    expect(binFiles(fixture.store.puts)).toHaveLength(8);
  });

  it('refuses a repository that already has delegated roles', async () => {
    await updateRepository(fixture.store, fixture.root, { signers: fixture.signers, now: new Date() }, async (repo) => {
      repo.targets.signed.delegations = { keys: {}, roles: [{ name: 'team', keyids: [], threshold: 1, terminating: false, paths: ['team/*'] }] };
      repo.markDirty('targets');
    });
    const repo = await TrustRepository.load(fixture.store, fixture.root);
    await expect(enableBins(repo)).rejects.toMatchObject({ code: 'has-delegations' });
  });
});

describe('when the targets key of a binned repository changes', () => {
  const names = tags(30);
  let newKey: Signer;
  let withNewKey: SignerProvider;

  beforeEach(async () => {
    await initializeRepository(fixture.store, fixture.root, { signers: fixture.signers, now: new Date(), bins: { bitLength: 2 } });
    await addTargets(names);
    newKey = await newSigner();
    withNewKey = async (role, ids) => [...(await fixture.signers(role, ids)), newKey].filter((s) => ids.includes(s.keyId));
  });

  async function binsDelegation() {
    const repo = await TrustRepository.load(fixture.store, fixture.root);
    return repo.targets.signed.delegations!;
  }

  it('rotating it moves every bin to the new key, and verifiers follow', async () => {
    const oldKeyId = fixture.root.signed.roles['targets']!.keyids[0]!;
    await verifyWith('old', (lookup) => lookup(names[0]!));
    await updateRepository(fixture.store, fixture.root, { signers: withNewKey, now: new Date() }, (repo) =>
      rotateRoleKeys(repo, 'targets', { add: [newKey.publicKey], remove: [oldKeyId] }, { now: new Date(), signers: withNewKey }),
    );
    const delegations = await binsDelegation();
    expect(delegations.succinct_roles!.keyids).toEqual([newKey.keyId]);
    expect(Object.keys(delegations.keys)).toEqual([newKey.keyId]);
    await verifyWith('old', async (lookup) => {
      for (const name of names) expect(await lookup(name)).toBe(entry(name).sha256);
    });
  });

  it('a ceremony root that replaces it (signet root publish) moves the bins too', async () => {
    const oldKeyId = fixture.root.signed.roles['targets']!.keyids[0]!;
    const next = JSON.parse(JSON.stringify(fixture.root)) as Envelope<RootJSON>;
    next.signed.version = 2;
    next.signed.keys[newKey.keyId] = newKey.publicKey;
    next.signed.roles['targets'] = { keyids: [newKey.keyId], threshold: 1 };
    delete next.signed.keys[oldKeyId];
    await signEnvelope(next, await fixture.signers('root', fixture.root.signed.roles['root']!.keyids));
    await publishRoot(fixture.store, fixture.root, next, { signers: withNewKey, now: new Date() });
    expect((await binsDelegation()).succinct_roles!.keyids).toEqual([newKey.keyId]);
    await verifyWith('fresh', async (lookup) => {
      for (const name of names) expect(await lookup(name)).toBe(entry(name).sha256);
    });
  });

  it('revoking one of two keys takes it away from the bins too', async () => {
    const oldKeyId = fixture.root.signed.roles['targets']!.keyids[0]!;
    await updateRepository(fixture.store, fixture.root, { signers: withNewKey, now: new Date() }, (repo) =>
      rotateRoleKeys(repo, 'targets', { add: [newKey.publicKey], remove: [] }, { now: new Date(), signers: withNewKey }),
    );
    expect((await binsDelegation()).succinct_roles!.keyids.sort()).toEqual([oldKeyId, newKey.keyId].sort());
    await updateRepository(fixture.store, fixture.root, { signers: withNewKey, now: new Date() }, (repo) => revokeKey(repo, oldKeyId, { now: new Date(), signers: withNewKey }));
    expect((await binsDelegation()).succinct_roles!.keyids).toEqual([newKey.keyId]);
    await verifyWith('fresh', async (lookup) => {
      for (const name of names) expect(await lookup(name)).toBe(entry(name).sha256);
    });
  });
});

describe('choosing the number of bins', () => {
  it('accepts powers of two and refuses anything else', () => {
    expect(bitLengthForBinCount(1024)).toBe(10);
    expect(() => bitLengthForBinCount(1000)).toThrow(/power of two/);
    expect(() => bitLengthForBinCount(2 ** 20)).toThrow(/power of two/);
  });
});
