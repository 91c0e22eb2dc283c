// `verify` reading trust metadata from a registry keeps the guarantees it has
// with a directory: the attacks here are played by someone who can push to
// the trust repository's tags (but holds no signing key).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type RegistryServer } from '../support/registry-server.js';
import { generateTestKeys, initTestRepository, signersOf, type TestKeys } from '../support/test-trust.js';
import { OciStore } from '../../src/store/oci-store.js';
import { RegistryClient } from '../../src/registry/registry-client.js';
import { updateRepository } from '../../src/trust/trust-repository.js';
import { writeSampleLayout } from '../../src/image/sample-images.js';
import { OciLayout } from '../../src/image/oci-layout.js';
import { parseLayoutReference } from '../../src/image/image-reference.js';
import { targetsFor } from '../../src/workflows/sign.js';
import { verifyImages } from '../../src/workflows/verify.js';
import { MEDIA_TYPES } from '../../src/image/manifest.js';
import type { Envelope, RootJSON, TimestampJSON } from '../../src/metadata/types.js';
import { signEnvelope } from '../../src/metadata/signing.js';
import { KeyRing } from '../../src/keys/key-ring.js';

let reg: RegistryServer;
let client: RegistryClient;
let dir: string;
let layout: string;
let keys: TestKeys;
beforeAll(async () => {
  reg = await startRegistry();
  client = new RegistryClient();
  dir = await mkdtemp(join(tmpdir(), 'signet-oci-attacks-'));
  layout = join(dir, 'app');
  await writeSampleLayout(layout);
  keys = await generateTestKeys();
});
afterAll(async () => {
  await client.close();
  await reg.stop();
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
async function signedRepository(): Promise<{ store: OciStore; location: string; rootPath: string; pinned: Envelope<RootJSON>; sign: (tag: string) => Promise<void> }> {
  const location = `oci://${reg.host}/attacks/r${++n}`;
  const store = await OciStore.open(location, { client, lease: { settleMs: 50 } });
  const rootPath = join(dir, `root-${n}.json`);
  const pinned = await initTestRepository(store, keys, rootPath);
  const sign = async (tag: string) => {
    const ref = parseLayoutReference(`oci-layout:${layout}:${tag}`);
    const entries = targetsFor(ref, await new OciLayout(layout).getManifest(ref));
    await updateRepository(store, pinned, { signers: signersOf(keys), now: new Date() }, async (repo) => {
      for (const e of entries) await repo.addTarget(e);
    });
  };
  await sign('1.0');
  return { store, location, rootPath, pinned, sign };
}

const verify = async (location: string, rootPath: string, home: string, tag = '1.0') => {
  const ctx = { home, cwd: dir, now: new Date(), passphrases: async () => '', keys: new KeyRing({ home, passphrases: async () => '' }), log: () => undefined };
  const [outcome] = (await verifyImages([`oci-layout:${layout}:${tag}`], { trustRepo: location, root: rootPath }, ctx)).outcomes;
  return outcome!;
};
const errorOf = (outcome: Awaited<ReturnType<typeof verify>>) => (outcome.ok ? undefined : { kind: outcome.error.kind, code: outcome.error.code });

describe('attacks on a trust repository kept in a registry', () => {
  it('rollback: an older timestamp re-pushed under the timestamp tag is refused by a verifier that saw the newer one', async () => {
    const r = await signedRepository();
    const old = (await r.store.get('timestamp.json', 16_384))!;
    await r.sign('2.0');
    const home = join(dir, 'home-rollback');
    expect((await verify(r.location, r.rootPath, home, '2.0')).ok).toBe(true);
    await r.store.put('timestamp.json', old);
    expect(errorOf(await verify(r.location, r.rootPath, home))).toEqual({ kind: 'invalid', code: 'rollback' });
  });

  it('arbitrary software: targets metadata rewritten without the key is refused', async () => {
    const r = await signedRepository();
    const name = '2.targets.json';
    const doc = JSON.parse(Buffer.from((await r.store.get(name, 1 << 20))!).toString()) as { signed: { targets: Record<string, { hashes: { sha256: string } }> } };
    for (const t of Object.values(doc.signed.targets)) t.hashes.sha256 = 'e'.repeat(64);
    await r.store.put(name, Buffer.from(JSON.stringify(doc)));
    expect(errorOf(await verify(r.location, r.rootPath, join(dir, 'home-arbitrary')))).toMatchObject({ kind: 'invalid' });
  });

  it('mix-and-match: a tag re-pointed at another version\'s artifact is refused before download', async () => {
    const r = await signedRepository();
    await r.sign('2.0');
    // Point the tag of 3.snapshot.json at the artifact of 2.snapshot.json.
    const older = await client.getManifest({ ...r.store.repo, tag: 'signet.2.snapshot.json' });
    await client.pushManifest(r.store.repo, 'signet.3.snapshot.json', older.bytes, MEDIA_TYPES.ociManifest);
    expect(errorOf(await verify(r.location, r.rootPath, join(dir, 'home-mix')))).toEqual({ kind: 'invalid', code: 'bad-artifact' });
  });

  it('a timestamp naming a snapshot the registry does not (yet) have is inconclusive after retries, never invalid', async () => {
    const r = await signedRepository();
    // A publisher (holding the timestamp key) caught between its snapshot and timestamp writes on a lagging registry.
    const ts = JSON.parse(Buffer.from((await r.store.get('timestamp.json', 16_384))!).toString()) as Envelope<TimestampJSON>;
    ts.signed.version += 1;
    ts.signed.meta['snapshot.json'] = { version: 99, length: 10, hashes: { sha256: 'a'.repeat(64) } };
    await signEnvelope(ts, await signersOf(keys)('timestamp', r.pinned.signed.roles['timestamp']!.keyids));
    await r.store.put('timestamp.json', Buffer.from(JSON.stringify(ts)));
    expect(errorOf(await verify(r.location, r.rootPath, join(dir, 'home-missing')))).toEqual({ kind: 'inconclusive', code: 'metadata-missing' });
  });
});
