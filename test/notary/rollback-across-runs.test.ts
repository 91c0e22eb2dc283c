// Rollback of a Notary collection across runs (issue 13, N1 and N2): the same
// crafted data, served over TLS, to the real `notary` client (Debian 0.7.0)
// and to signet, each keeping its memory between runs. What notary refuses,
// signet refuses (exit 1), also when the collection moves to another server URL.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { certificatePemOf, craftFiles, ecdsaKey, onlineKeys, rootCertificateKey, type CraftKey, type OnlineKeys } from '../support/notary-crafter.js';
import { startFakeNotaryServer, type FakeNotaryServer } from '../support/fake-notary-server.js';
import { notaryCli, type NotaryCli } from '../support/notary-server.js';
import { fakeTag } from '../support/notary-collection.js';
import { canonicalNotaryKeyId } from '../../src/notary/notary-keys.js';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

const good = fakeTag('1.0', 'good', 101);
const removed = fakeTag('0.9', 'vulnerable', 99);
const tag = (t: typeof good) => ({ [t.tag]: { sha256: t.sha256, length: t.size } });

/** `notary list` with the client's memory (its trust directory); all it printed. */
async function notaryList(cli: NotaryCli, gun: string): Promise<{ ok: boolean; output: string }> {
  try {
    return { ok: true, output: await cli.run('-D', 'list', gun) };
  } catch (error) {
    return { ok: false, output: (error as Error).message };
  }
}

async function expectNotaryAccepts(cli: NotaryCli, gun: string): Promise<void> {
  const result = await notaryList(cli, gun);
  expect(result.ok, result.output).toBe(true);
}

describe('rollback of a Notary collection across runs', () => {
  let serverA: FakeNotaryServer;
  let serverB: FakeNotaryServer;
  let rootKey: CraftKey;
  let s: SignetEnv;
  let notary: NotaryCli;
  let pinFile: string;
  let gun: string;
  let counter = 0;

  beforeAll(async () => {
    [serverA, serverB] = await Promise.all([startFakeNotaryServer(), startFakeNotaryServer()]);
  }, 60_000);
  afterAll(async () => {
    await serverA?.stop();
    await serverB?.stop();
  });
  beforeEach(async () => {
    gun = `127.0.0.1:5000/rollback/app${++counter}`;
    // notary wants the root certificate's CN to be the GUN exactly.
    rootKey = await rootCertificateKey(gun, 3650);
    s = await makeSignetEnv();
    pinFile = join(s.dir, 'root.crt');
    await writeFile(pinFile, certificatePemOf(rootKey));
    notary = await notaryCli(serverA);
  });
  afterEach(async () => {
    await s.cleanup();
    await notary.cleanup();
  });

  function signet(server: FakeNotaryServer): Promise<{ code: number; stdout: string; stderr: string }> {
    return s.cli(['migrate', 'notary', gun, '--server', server.url, '--tls-ca', server.caFile, '--root-cert', pinFile, '--dry-run']);
  }

  describe('when a verifier that trusts root v2 is served root v1 and metadata signed by the old online keys (N1)', () => {
    let v1: Map<string, Uint8Array>;
    beforeEach(() => {
      const old = onlineKeys();
      const current = onlineKeys();
      v1 = craftFiles({ root: rootKey, rootVersion: 1, keys: old, roles: [{ name: 'targets', version: 1, targets: { ...tag(good), ...tag(removed) } }], snapshotVersion: 1, timestampVersion: 1 });
      const v2 = craftFiles({
        root: rootKey,
        rootVersion: 2,
        keys: current,
        olderRoots: new Map([['1.root', v1.get('root')!]]),
        roles: [{ name: 'targets', version: 2, targets: tag(good) }],
        snapshotVersion: 2,
        timestampVersion: 2,
      });
      serverA.serve(gun, v2);
      serverB.serve(gun, v1);
    });

    it('notary refuses it, and so does signet, on the same server', async () => {
      await expectNotaryAccepts(notary, gun);
      const first = await signet(serverA);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).not.toContain('0.9');

      serverA.serve(gun, v1);
      const refused = await notaryList(notary, gun);
      expect(refused.ok).toBe(false);
      expect(refused.output).toMatch(/version 1 is lower than current version 2/);
      const again = await signet(serverA);
      expect(again.code, again.stdout).toBe(1);
      expect(again.stderr).toMatch(/root of .* is version 1, older than the version 2 trusted before \(rollback/);
    });

    it('signet refuses it when the old data comes from another server URL for the same collection', async () => {
      const first = await signet(serverA);
      expect(first.code, first.stderr).toBe(0);
      const moved = await signet(serverB);
      expect(moved.code, moved.stdout).toBe(1);
      expect(moved.stderr).toMatch(/root of .* is version 1, older than the version 2 trusted before/);
    });

    it('signet refuses it when the same root is pinned by its key id instead of its certificate', async () => {
      const first = await signet(serverA);
      expect(first.code, first.stderr).toBe(0);
      const canonical = canonicalNotaryKeyId(rootKey.json)!;
      const byKeyId = await s.cli(['migrate', 'notary', gun, '--server', serverB.url, '--tls-ca', serverB.caFile, '--root-key-id', canonical, '--dry-run']);
      expect(byKeyId.code, byKeyId.stdout).toBe(1);
      expect(byKeyId.stderr).toMatch(/root of .* is version 1, older than the version 2 trusted before/);
    });
  });

  describe('when a fresh timestamp and snapshot point at an older targets that still lists a removed tag (N2)', () => {
    let keys: OnlineKeys;
    beforeEach(() => {
      keys = onlineKeys();
    });

    it('notary refuses it, and so does signet', async () => {
      serverA.serve(gun, craftFiles({ root: rootKey, rootVersion: 1, keys, roles: [{ name: 'targets', version: 7, targets: tag(good) }], snapshotVersion: 7, timestampVersion: 7 }));
      await expectNotaryAccepts(notary, gun);
      const first = await signet(serverA);
      expect(first.code, first.stderr).toBe(0);

      serverA.serve(gun, craftFiles({ root: rootKey, rootVersion: 1, keys, roles: [{ name: 'targets', version: 3, targets: { ...tag(good), ...tag(removed) } }], snapshotVersion: 8, timestampVersion: 8 }));
      const refused = await notaryList(notary, gun);
      expect(refused.ok).toBe(false);
      expect(refused.output).toMatch(/version 3 is lower than current version 7/);
      const again = await signet(serverA);
      expect(again.code, again.stdout).toBe(1);
      expect(again.stderr).toMatch(/targets of .* is version 3, older than the version 7 trusted before/);
    });

    it('refuses a rolled-back delegation too, as notary does, instead of skipping it', async () => {
      const releasesKey = ecdsaKey();
      const state = (releasesVersion: number, targetsVersion: number, version: number, releases: Record<string, { sha256: string; length: number }>) =>
        craftFiles({
          root: rootKey,
          rootVersion: 1,
          keys,
          roles: [
            { name: 'targets', version: targetsVersion, targets: {}, delegations: [{ name: 'targets/releases', keys: [releasesKey], threshold: 1, paths: [''] }] },
            { name: 'targets/releases', version: releasesVersion, targets: releases, signers: [releasesKey] },
          ],
          snapshotVersion: version,
          timestampVersion: version,
        });
      serverA.serve(gun, state(5, 2, 2, tag(good)));
      await expectNotaryAccepts(notary, gun);
      const first = await signet(serverA);
      expect(first.code, first.stderr).toBe(0);

      serverA.serve(gun, state(2, 2, 3, { ...tag(good), ...tag(removed) }));
      const refused = await notaryList(notary, gun);
      expect(refused.ok).toBe(false);
      expect(refused.output).toMatch(/version 2 is lower than current version 5/);
      const again = await signet(serverA);
      expect(again.code, again.stdout).toBe(1);
      expect(again.stderr).toMatch(/targets\/releases of .* is version 2, older than the version 5 trusted before/);
    });
  });
});
