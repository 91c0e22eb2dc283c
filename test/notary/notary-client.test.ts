// signet reads and verifies a collection the real `notary` CLI published to the
// real notary-server, from the server and from the CLI's trust directory, and
// refuses tampered, wrong-CN, expired and rolled-back copies.

import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignetError } from '../../src/errors.js';
import { dockerTags } from '../../src/notary/docker-tags.js';
import { NotaryTrustedSet } from '../../src/notary/notary-trusted-set.js';
import { canonicalNotaryKeyId } from '../../src/notary/notary-keys.js';
import { loadNotaryCollection } from '../../src/notary/notary-client.js';
import { TrustDirectoryFetcher } from '../../src/notary/notary-fetcher.js';
import { certificatePin, keyIdPin } from '../../src/notary/notary-pin.js';
import { NotaryServerFetcher } from '../../src/notary/notary-server-fetcher.js';
import { buildCollection, copyCollection, fakeTag, metadataDir, type BuiltCollection } from '../support/notary-collection.js';
import { notaryCli, startNotaryServer, type NotaryCli, type NotaryServer } from '../support/notary-server.js';

const GUN = '127.0.0.1:5000/library/app';
const OTHER_GUN = '127.0.0.1:5000/library/other';
const ROTATED_GUN = '127.0.0.1:5000/library/rotated';
const v1 = fakeTag('1.0', 'one', 101);
const v2 = fakeTag('2.0', 'two', 202);
const v2Release = fakeTag('2.0', 'two-released', 222);
const v3 = fakeTag('3.0', 'three', 303);

async function expectRefused(work: Promise<unknown>, code: string, text: RegExp): Promise<void> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SignetError);
  expect((error as SignetError).code).toBe(code);
  expect((error as SignetError).kind).toBe('invalid');
  expect((error as SignetError).message).toMatch(text);
}

describe('reading a Notary v1 collection published by the notary CLI', () => {
  let server: NotaryServer;
  let cli: NotaryCli;
  let built: BuiltCollection;
  let beforeRotation: BuiltCollection;
  const cleanup: string[] = [];
  const now = new Date();

  beforeAll(async () => {
    server = await startNotaryServer();
    cli = await notaryCli(server);
    built = await buildCollection(cli, GUN, { targets: [v1, v2], releases: [v2Release, v3], serverSnapshot: true });
    await buildCollection(cli, OTHER_GUN, { targets: [v1] });
    beforeRotation = await buildCollection(cli, ROTATED_GUN, { targets: [v1] });
    await cli.runWithInput('yes\n', 'key', 'rotate', ROTATED_GUN, 'root');
    await cli.run('list', ROTATED_GUN);
  }, 120_000);
  afterAll(async () => {
    for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
    await cli?.cleanup();
    await server?.stop();
  });

  function serverFetcher(gun = GUN): NotaryServerFetcher {
    return new NotaryServerFetcher({ server: server.url, gun, ca: readFileSyncCa() });
  }
  let ca: Buffer | undefined;
  function readFileSyncCa(): Buffer {
    return ca as Buffer;
  }
  beforeAll(async () => {
    ca = await readFile(server.caFile);
  });

  describe('from notary-server, pinned by the root key id', () => {
    it('verifies it and lists the tags Docker trusts, targets/releases first', async () => {
      const fetcher = serverFetcher();
      const collection = await loadNotaryCollection(fetcher, { gun: GUN, pin: keyIdPin([built.rootKeyId]), now });
      await fetcher.close();
      const view = dockerTags(collection.trusted);
      expect(view.tags.map((t) => [t.tag, t.digest, t.size, t.role])).toEqual([
        ['1.0', `sha256:${v1.sha256}`, 101, 'targets'],
        ['2.0', `sha256:${v2Release.sha256}`, 222, 'targets/releases'],
        ['3.0', `sha256:${v3.sha256}`, 303, 'targets/releases'],
      ]);
      expect(collection.skippedRoles).toEqual([]);
      expect(view.tags[0]!.signers).toHaveLength(1);
    });
  });

  describe('from notary-server, pinned by the root certificate', () => {
    it('verifies it', async () => {
      const fetcher = serverFetcher();
      const collection = await loadNotaryCollection(fetcher, { gun: GUN, pin: certificatePin(built.rootCertificatePem, 'root.crt'), now });
      await fetcher.close();
      expect(collection.trusted.root.signed.version).toBeGreaterThanOrEqual(2);
    });
  });

  describe('from the notary CLI trust directory', () => {
    it('verifies the cached copy and finds the same tags', async () => {
      const collection = await loadNotaryCollection(new TrustDirectoryFetcher(cli.trustDir, GUN), { gun: GUN, pin: keyIdPin([built.rootKeyId]), now });
      expect(dockerTags(collection.trusted).tags.map((t) => t.tag)).toEqual(['1.0', '2.0', '3.0']);
    });
  });

  describe('when the pin names a different root key', () => {
    it('refuses the collection and names the root it found', async () => {
      const fetcher = serverFetcher();
      await expectRefused(loadNotaryCollection(fetcher, { gun: GUN, pin: keyIdPin(['0'.repeat(64)]), now }), 'notary-root-not-pinned', /none of which matches the pin/);
      await fetcher.close();
    });
  });

  describe('when the root key was rotated after the pin was taken', () => {
    it('walks the root versions from the pinned one and trusts the new root', async () => {
      const fetcher = serverFetcher(ROTATED_GUN);
      const collection = await loadNotaryCollection(fetcher, { gun: ROTATED_GUN, pin: keyIdPin([beforeRotation.rootKeyId]), now });
      await fetcher.close();
      expect(collection.trusted.root.signed.version).toBeGreaterThan(1);
      const root = collection.trusted.root.signed;
      const canonical = root.roles['root']!.keyids.map((id) => canonicalNotaryKeyId(root.keys[id]!));
      expect(canonical).not.toContain(beforeRotation.rootKeyId);
      expect(dockerTags(collection.trusted).tags.map((t) => t.tag)).toEqual(['1.0']);
    });

    it('cannot follow the rotation from a trust directory, and says to read the server', async () => {
      await expectRefused(
        loadNotaryCollection(new TrustDirectoryFetcher(cli.trustDir, ROTATED_GUN), { gun: ROTATED_GUN, pin: keyIdPin([beforeRotation.rootKeyId]), now }),
        'notary-root-not-pinned',
        /keeps no older roots to follow a rotation/,
      );
    });
  });

  describe('when metadata is loaded out of order', () => {
    it('refuses a snapshot before the timestamp and a root after it', async () => {
      const dir = metadataDir(cli.trustDir, GUN);
      const set = new NotaryTrustedSet(GUN, keyIdPin([built.rootKeyId]), now);
      const bytes = (name: string) => readFile(join(dir, `${name}.json`));
      expect(() => set.loadTimestamp(Buffer.alloc(0))).toThrow(/root is not loaded yet/);
      set.loadRoot(await bytes('root'));
      expect(() => set.loadTargets('targets', Buffer.alloc(0))).toThrow(/snapshot is not loaded yet/);
      set.loadTimestamp(await bytes('timestamp'));
      expect(() => set.loadRoot(Buffer.alloc(0))).toThrow(/the timestamp was loaded/);
      set.loadSnapshot(await bytes('snapshot'));
      expect(() => set.loadTargets('targets/releases', Buffer.alloc(0))).toThrow(/its parent targets is not loaded/);
    });
  });

  describe('when a signature is tampered with (arbitrary software)', () => {
    it('refuses the timestamp with the count of valid signatures', async () => {
      const dir = await copyCollection(cli.trustDir, GUN);
      cleanup.push(dir);
      const file = join(metadataDir(dir, GUN), 'timestamp.json');
      const doc = JSON.parse(await readFile(file, 'utf8'));
      const sig = Buffer.from(doc.signatures[0].sig, 'base64');
      sig[5] = (sig[5] ?? 0) ^ 0xff;
      doc.signatures[0].sig = sig.toString('base64');
      await writeFile(file, JSON.stringify(doc));
      await expectRefused(
        loadNotaryCollection(new TrustDirectoryFetcher(dir, GUN), { gun: GUN, pin: keyIdPin([built.rootKeyId]), now }),
        'notary-below-threshold',
        /timestamp of 127\.0\.0\.1:5000\/library\/app has 0\/1 valid signatures/,
      );
    });
  });

  describe('when a tag digest is changed in targets', () => {
    it('refuses targets because it no longer matches the snapshot', async () => {
      const dir = await copyCollection(cli.trustDir, GUN);
      cleanup.push(dir);
      const file = join(metadataDir(dir, GUN), 'targets.json');
      const text = await readFile(file, 'utf8');
      await writeFile(file, text.replace(Buffer.from(v1.sha256, 'hex').toString('base64'), Buffer.from(v3.sha256, 'hex').toString('base64')));
      await expectRefused(
        loadNotaryCollection(new TrustDirectoryFetcher(dir, GUN), { gun: GUN, pin: keyIdPin([built.rootKeyId]), now }),
        'notary-hash-mismatch',
        /targets of .* does not match the sha256/,
      );
    });
  });

  describe('when the root certificate CN is not the GUN', () => {
    it('refuses another repository’s trust data served under this GUN, even on first use', async () => {
      const dir = await copyCollection(cli.trustDir, OTHER_GUN, GUN);
      cleanup.push(dir);
      await expectRefused(
        loadNotaryCollection(new TrustDirectoryFetcher(dir, GUN), { gun: GUN, pin: { kind: 'tofu' }, now }),
        'notary-root-cn',
        /has CN "127\.0\.0\.1:5000\/library\/other", not the GUN "127\.0\.0\.1:5000\/library\/app"/,
      );
    });
  });

  describe('when the timestamp has expired (freeze attack)', () => {
    it('refuses it and says when it expired', async () => {
      const later = new Date(now.getTime() + 15 * 86_400_000);
      const fetcher = serverFetcher();
      await expectRefused(loadNotaryCollection(fetcher, { gun: GUN, pin: keyIdPin([built.rootKeyId]), now: later }), 'notary-expired', /timestamp of .* expired at 20/);
      await fetcher.close();
    });
  });

  describe('when the timestamp version goes backwards (rollback)', () => {
    it('refuses it', async () => {
      const fetcher = serverFetcher();
      await expectRefused(
        loadNotaryCollection(fetcher, { gun: GUN, pin: keyIdPin([built.rootKeyId]), now, previous: { timestamp: 1000 } }),
        'notary-rollback',
        /older than the version 1000/,
      );
      await fetcher.close();
    });
  });

  describe('when the server has no trust data for the GUN', () => {
    it('says the image was never signed', async () => {
      const fetcher = serverFetcher('127.0.0.1:5000/library/unsigned');
      await expectRefused(loadNotaryCollection(fetcher, { gun: '127.0.0.1:5000/library/unsigned', pin: { kind: 'tofu' }, now }), 'notary-no-trust-data', /no trust data/);
      await fetcher.close();
    });
  });
});
