// Issue 12, "also": delegated role names that contain `..` or start or end
// with `.` are legal TUF (percent-encoded, `../delegatedrole` is the single
// file name `1...%2Fdelegatedrole.json`). Every store serves them; only what
// could leave the store's directory (`.`, `..`, separators) is refused.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { isSafeStoreName, metadataFileName } from '../../src/store/metadata-store.js';
import { DirectoryStore } from '../../src/store/directory-store.js';
import { HttpStore } from '../../src/store/http-store.js';
import { OciStore } from '../../src/store/oci-store.js';
import { RegistryClient } from '../../src/registry/registry-client.js';
import { copyTrustRepository } from '../../src/trust/copy-repository.js';
import { withTrustSession } from '../../src/verify/trust-session.js';
import type { MetadataStore } from '../../src/store/metadata-store.js';
import { startRegistry, type RegistryServer } from '../support/registry-server.js';
import { serveDirectory } from '../tuf-client/helpers/static-server.js';
import { createFixture, fakeDigest, newSigner, type Fixture } from '../trust/repository-fixture.js';

const ROLES = ['..both..', '.leading', 'trailing.', 'mid..dle'];
/** The conformance suite's name: role `../delegatedrole`, version 1, as one file. */
const ENCODED = '1...%2Fdelegatedrole.json';

let fx: Fixture;
let reg: RegistryServer;
let client: RegistryClient;
let server: Awaited<ReturnType<typeof serveDirectory>>;

beforeAll(async () => {
  reg = await startRegistry();
  client = new RegistryClient();
  const now = new Date();
  fx = await createFixture({ now });
  // A repository another TUF tool wrote: one delegated role per odd name, each signing one image.
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
  server = await serveDirectory(fx.store.dir);
}, 300_000);
afterAll(async () => {
  await server?.close();
  await client?.close();
  await reg?.stop();
  await fx?.cleanup();
});

async function lookups(store: MetadataStore, home: string): Promise<Array<string | undefined>> {
  return withTrustSession({ store, pinnedRoot: fx.pinnedBytes, home: join(fx.dir, home) }, async (session) => {
    const out: Array<string | undefined> = [];
    for (const i of ROLES.keys()) out.push((await session.lookup(`team/app${i}:1.0`))?.hashes['sha256']);
    return out;
  });
}

const expected = () => ROLES.map((name) => fakeDigest(name));

describe('store file names', () => {
  it('accepts dots anywhere in an encoded name, refuses only what leaves the directory', () => {
    expect(metadataFileName('../delegatedrole', 1)).toBe('1...%2Fdelegatedrole.json');
    for (const name of ['1...%2Fdelegatedrole.json', '.leading.json', '1.trailing..json', '3...both...json']) expect({ name, ok: isSafeStoreName(name) }).toEqual({ name, ok: true });
    for (const name of ['.', '..', '', '../x.json', 'a/b.json', 'a\\b.json', 'x\0.json']) expect({ name, ok: isSafeStoreName(name) }).toEqual({ name, ok: false });
  });
});

describe('delegated roles named with dots, verified through every store', () => {
  it('a directory store', async () => {
    await fx.store.put(ENCODED, Buffer.from('{"dir":1}'));
    expect(Buffer.from((await fx.store.get(ENCODED, 100))!).toString()).toBe('{"dir":1}');
    expect(await fx.store.list()).toContain(ENCODED);
    expect(await lookups(fx.store, 'dir')).toEqual(expected());
  });

  it('an http store (the directory served by a static web server)', async () => {
    const http = new HttpStore(server.url);
    expect(Buffer.from((await http.get(ENCODED, 100))!).toString()).toBe('{"dir":1}');
    expect(await lookups(http, 'http')).toEqual(expected());
  });

  it('an oci:// store in a real registry', async () => {
    const oci = await OciStore.open(`oci://${reg.host}/team/dots`, { client });
    await copyTrustRepository(fx.store, oci);
    expect(Buffer.from((await oci.get(ENCODED, 100))!).toString()).toBe('{"dir":1}');
    expect(await lookups(oci, 'oci')).toEqual(expected());
  });
});
