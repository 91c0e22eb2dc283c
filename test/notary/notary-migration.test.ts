// Migration at the library level: a collection the real notary CLI published
// is verified, planned and imported into a signet trust repository; tuf-js
// (signet's only TUF client) then finds every migrated tag with its provenance.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNotaryCollection, type NotaryCollection } from '../../src/notary/notary-client.js';
import { keyIdPin } from '../../src/notary/notary-pin.js';
import { NotaryServerFetcher } from '../../src/notary/notary-server-fetcher.js';
import { applyNotaryMigration, planNotaryMigration, repositoryNameOf } from '../../src/notary/notary-migration.js';
import { generateEd25519 } from '../../src/keys/ed25519.js';
import { ed25519Signer, type Signer } from '../../src/keys/signer.js';
import { buildRoot } from '../../src/trust/root-builder.js';
import { initializeRepository } from '../../src/trust/initialize.js';
import { signEnvelope } from '../../src/metadata/signing.js';
import { DirectoryStore } from '../../src/store/directory-store.js';
import { withTrustSession } from '../../src/verify/trust-session.js';
import { serialize } from '../../src/trust/trust-repository.js';
import { buildCollection, fakeTag } from '../support/notary-collection.js';
import { notaryCli, startNotaryServer, type NotaryCli, type NotaryServer } from '../support/notary-server.js';

const GUN = '127.0.0.1:5000/team/app';
const v1 = fakeTag('1.0', 'one', 101);
const v2 = fakeTag('2.0', 'two', 202);
const v2Release = fakeTag('2.0', 'two-released', 222);

describe('migrating a Notary v1 collection into a signet trust repository', () => {
  let server: NotaryServer;
  let cli: NotaryCli;
  let collection: NotaryCollection;
  const dirs: string[] = [];
  const now = new Date();

  beforeAll(async () => {
    server = await startNotaryServer();
    cli = await notaryCli(server);
    const built = await buildCollection(cli, GUN, { targets: [v1, v2], releases: [v2Release], serverSnapshot: true });
    const fetcher = new NotaryServerFetcher({ server: server.url, gun: GUN, ca: await readFile(server.caFile) });
    collection = await loadNotaryCollection(fetcher, { gun: GUN, pin: keyIdPin([built.rootKeyId]), now });
    await fetcher.close();
  }, 120_000);
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    await cli?.cleanup();
    await server?.stop();
  });

  async function signetRepository(): Promise<{ store: DirectoryStore; rootBytes: Buffer; signers: (role: string) => Promise<Signer[]>; home: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'signet-migrate-'));
    dirs.push(dir);
    const { seed, publicKey } = await generateEd25519();
    const signer = ed25519Signer(seed, publicKey);
    const spec = { keys: [signer.publicKey], threshold: 1 };
    const root = buildRoot({ roles: { root: spec, targets: spec, snapshot: spec, timestamp: spec }, now });
    await signEnvelope(root, [signer]);
    const store = new DirectoryStore(join(dir, 'repo'));
    const signers = async () => [signer];
    await initializeRepository(store, root, { signers, now });
    return { store, rootBytes: serialize(root), signers, home: join(dir, 'home') };
  }

  it('names targets after the GUN without its registry host', () => {
    expect(repositoryNameOf('127.0.0.1:5000/team/app')).toBe('team/app');
    expect(repositoryNameOf('docker.io/library/nginx')).toBe('library/nginx');
    expect(repositoryNameOf('team/app')).toBe('team/app');
  });

  it('imports every trusted tag as a tag target and a digest target with its Notary provenance', async () => {
    const repo = await signetRepository();
    const plan = await planNotaryMigration(collection);
    expect(plan.registryCheck).toBe('skipped');
    const result = await applyNotaryMigration(plan, repo.store, JSON.parse(repo.rootBytes.toString('utf8')), { signers: repo.signers, now });
    expect(result.imported).toEqual([`team/app:1.0`, `team/app@sha256:${v1.sha256}`, `team/app:2.0`, `team/app@sha256:${v2Release.sha256}`]);

    await withTrustSession({ store: repo.store, pinnedRoot: repo.rootBytes, home: repo.home }, async (session) => {
      const tag = await session.lookup('team/app:2.0');
      expect(tag?.hashes['sha256']).toBe(v2Release.sha256);
      expect(tag?.length).toBe(222);
      const provenance = tag?.custom['notary'] as Record<string, unknown>;
      expect(provenance['role']).toBe('targets/releases');
      expect(provenance['gun']).toBe(GUN);
      expect(provenance['signers']).toHaveLength(1);
      expect(provenance['roleVersion']).toBeGreaterThanOrEqual(1);
      expect(await session.lookup(`team/app@sha256:${v1.sha256}`)).toBeDefined();
      // The digest targets/releases replaced is not carried over.
      expect(await session.lookup(`team/app@sha256:${v2.sha256}`)).toBeUndefined();
    });
  });

  describe('when the registry now serves a different digest for a tag', () => {
    it('reports the tag and does not import it', async () => {
      const repo = await signetRepository();
      const plan = await planNotaryMigration(collection, {
        resolveTag: async (tag) => (tag === '1.0' ? { digest: `sha256:${'e'.repeat(64)}`, size: 101 } : tag === '2.0' ? { digest: `sha256:${v2Release.sha256}`, size: 222, custom: { mediaType: 'application/vnd.oci.image.manifest.v1+json' } } : undefined),
      });
      expect(plan.registryCheck).toBe('checked');
      expect(plan.items.map((i) => [i.tag, i.status])).toEqual([
        ['1.0', 'digest-changed'],
        ['2.0', 'import'],
      ]);
      const result = await applyNotaryMigration(plan, repo.store, JSON.parse(repo.rootBytes.toString('utf8')), { signers: repo.signers, now });
      expect(result.imported).toEqual([`team/app:2.0`, `team/app@sha256:${v2Release.sha256}`]);
      expect(result.refused[0]?.detail).toMatch(/now serves sha256:e{64}/);
      await withTrustSession({ store: repo.store, pinnedRoot: repo.rootBytes, home: repo.home }, async (session) => {
        expect(await session.lookup('team/app:1.0')).toBeUndefined();
        expect((await session.lookup('team/app:2.0'))?.custom['mediaType']).toBe('application/vnd.oci.image.manifest.v1+json');
      });
    });
  });
});
