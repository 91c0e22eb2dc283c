// A delegated role whose name has characters outside [A-Za-z0-9._-] — `/` in
// Notary-style names such as `targets/releases` or `team/ci` — is listed in
// the snapshot under its name as it is (`team/ci.json`, TUF 4.4), and only
// its file name and URL are percent-encoded (`1.team%2Fci.json`). signet used
// to write the encoded key in the snapshot too, so tuf-js (stock, and inside
// signet verify) did not find the role and its targets did not verify.
// Snapshots written that way are still read and fixed at the next publish.

import { afterEach, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createFixture, fakeDigest, newSigner, type Fixture } from './repository-fixture.js';
import { stockTufJsTarget } from '../support/stock-tuf-js.js';
import { roleNamesOfSnapshotKey, snapshotEntry } from '../../src/trust/metadata-files.js';

const ROLES = ['team/ci', 'targets/releases', 'a b%c'];

let fx: Fixture;
afterEach(async () => fx?.cleanup());

/** A repository with one delegation per name in ROLES, each signing `team/appI:1.0`. */
async function withSlashRoles(now: Date): Promise<void> {
  fx = await createFixture({ now });
  const key = await newSigner();
  fx.keyring.add(key);
  await fx.update(now, async (repo) => {
    repo.targets.signed.delegations = {
      keys: { [key.keyId]: key.publicKey },
      roles: ROLES.map((name, i) => ({ name, keyids: [key.keyId], threshold: 1, terminating: true, paths: [`team/app${i}:*`] })),
    };
    repo.markDirty('targets');
    for (const [i, name] of ROLES.entries()) {
      const role = await repo.role(name);
      role.signed.targets[`team/app${i}:1.0`] = { length: 100, hashes: { sha256: fakeDigest(name) }, custom: {} };
      repo.markDirty(name);
    }
  });
}

describe('delegated role names with / and other escaped characters', () => {
  it('the snapshot lists them by name; stock tuf-js and signet find their targets', async () => {
    const now = new Date();
    await withSlashRoles(now);
    const meta = (await fx.load()).snapshot.signed.meta;
    for (const name of ROLES) {
      expect(Object.hasOwn(meta, `${name}.json`)).toBe(true);
      expect(Object.hasOwn(meta, `${encodeURIComponent(name)}.json`)).toBe(false);
    }
    expect(await fx.store.get(`1.${encodeURIComponent('team/ci')}.json`, 1 << 20)).toBeDefined();
    const rootPath = join(fx.dir, 'pinned-root.json');
    await writeFile(rootPath, fx.pinnedBytes);
    for (const [i, name] of ROLES.entries()) {
      const info = await stockTufJsTarget(fx.store.dir, rootPath, join(fx.dir, `stock-${i}`), `team/app${i}:1.0`, { raw: true });
      expect(info?.hashes['sha256']).toBe(fakeDigest(name));
    }
    const found = await fx.verify(await fx.newHome(), ROLES.map((_, i) => `team/app${i}:1.0`));
    expect(found.map((t) => t?.hashes['sha256'])).toEqual(ROLES.map((name) => fakeDigest(name)));
  });

  it('a snapshot with the encoded keys older signet wrote is still read; the next publish adds the spec key and keeps the old one, so verifiers that trusted it still update', async () => {
    const now = new Date();
    await withSlashRoles(now);
    // Rewrite the snapshot as older signet did: encoded keys.
    await fx.update(now, async (repo) => {
      const meta = repo.snapshot.signed.meta;
      for (const name of ROLES) {
        meta[`${encodeURIComponent(name)}.json`] = meta[`${name}.json`]!;
        delete meta[`${name}.json`];
      }
      repo.markDirty('snapshot');
    });
    const legacy = await fx.load();
    expect(Object.hasOwn(legacy.snapshot.signed.meta, 'team%2Fci.json')).toBe(true);
    expect(snapshotEntry(legacy.snapshot.signed.meta, 'team/ci')?.version).toBe(1);
    expect((await legacy.allTargetsRoles()).sort()).toEqual(['targets', ...ROLES].sort());
    expect((await legacy.listTargets()).map((t) => t.name).sort()).toEqual(ROLES.map((_, i) => `team/app${i}:1.0`));

    // A verifier that trusted the old snapshot (tuf-js does not find the encoded roles in it: refused).
    const warmHome = await fx.newHome();
    await expect(fx.verify(warmHome, ['team/app0:1.0'])).rejects.toThrow(/not published/);

    await fx.update(now, async (repo) => {
      (await repo.role('team/ci')).signed.targets['team/app0:2.0'] = { length: 100, hashes: { sha256: fakeDigest('next') }, custom: {} };
      repo.markDirty('team/ci');
    });
    const fixed = (await fx.load()).snapshot.signed.meta;
    expect(Object.hasOwn(fixed, 'team/ci.json')).toBe(true);
    expect(fixed['team/ci.json']!.version).toBe(2);
    // tuf-js refuses a snapshot that drops a file the trusted one lists: the old key stays.
    expect(fixed['team%2Fci.json']!.version).toBe(1);
    for (const home of [warmHome, await fx.newHome()]) {
      const found = await fx.verify(home, ['team/app0:2.0']);
      expect(found[0]?.hashes['sha256']).toBe(fakeDigest('next'));
    }
  });

  it('roleNamesOfSnapshotKey: the name as it is first, the decoding only where older signet could have written it', () => {
    expect(roleNamesOfSnapshotKey('team/ci.json')).toEqual(['team/ci']);
    expect(roleNamesOfSnapshotKey('team%2Fci.json')).toEqual(['team%2Fci', 'team/ci']);
    expect(roleNamesOfSnapshotKey('bad%zz.json')).toEqual(['bad%zz']);
    expect(roleNamesOfSnapshotKey('100%25.json')).toEqual(['100%25', '100%']);
    expect(roleNamesOfSnapshotKey('a%2fb.json')).toEqual(['a%2fb']); // lower-case hex: not what encodeURIComponent writes
    expect(roleNamesOfSnapshotKey('snapshot')).toEqual([]);
  });
});
