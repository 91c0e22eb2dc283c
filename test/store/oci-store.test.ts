import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostname } from 'node:os';
import { startRegistry, type RegistryServer } from '../support/registry-server.js';
import { OciStore, parseOciLocation } from '../../src/store/oci-store.js';
import { RegistryClient } from '../../src/registry/registry-client.js';
import { artifactManifest, TUF_CONFIG_TYPE } from '../../src/store/oci-artifact.js';
import { MEDIA_TYPES } from '../../src/image/manifest.js';

let reg: RegistryServer;
let client: RegistryClient;
beforeAll(async () => {
  reg = await startRegistry();
  client = new RegistryClient();
});
afterAll(async () => {
  await client.close();
  await reg.stop();
});

let n = 0;
const fresh = () => OciStore.open(`oci://${reg.host}/trust/t${++n}`, { client, lease: { settleMs: 50 } });

describe('the OCI registry store', () => {
  it('round-trips metadata files as artifacts under encoded tags', async () => {
    const store = await fresh();
    await store.put('1.root.json', Buffer.from('{"root":1}'));
    await store.put('2.team%2Fapp.json', Buffer.from('{"delegated":2}'));
    expect(Buffer.from((await store.get('1.root.json', 100))!).toString()).toBe('{"root":1}');
    expect(Buffer.from((await store.get('2.team%2Fapp.json', 100))!).toString()).toBe('{"delegated":2}');
    expect((await store.list()).sort()).toEqual(['1.root.json', '2.team%2Fapp.json']);
    const tags = await client.listTags(store.repo);
    expect(tags.sort()).toEqual(['signet.1.root.json', 'signet.2.team_252Fapp.json']);
    const manifest = await client.getManifest({ ...store.repo, tag: 'signet.1.root.json' });
    const doc = JSON.parse(Buffer.from(manifest.bytes).toString()) as { config: { mediaType: string }; artifactType: string };
    expect(doc.config.mediaType).toBe(TUF_CONFIG_TYPE);
    expect(doc.artifactType).toBe('application/vnd.signet.tuf.metadata.v1+json');
  });

  it('answers undefined for a file that is not there, in a repository that does not exist', async () => {
    const store = await fresh();
    expect(await store.get('timestamp.json', 100)).toBeUndefined();
    expect(await store.list()).toEqual([]);
  });

  it('refuses a file larger than the limit before downloading it', async () => {
    const store = await fresh();
    await store.put('timestamp.json', Buffer.alloc(64, 32));
    await expect(store.get('timestamp.json', 63)).rejects.toMatchObject({ kind: 'invalid', code: 'too-large' });
  });

  it('refuses a tag re-pointed at another metadata file', async () => {
    const store = await fresh();
    await store.put('5.snapshot.json', Buffer.from('{"v":5}'));
    const bytes = Buffer.from('{"v":5}');
    await client.pushManifest(store.repo, 'signet.6.snapshot.json', artifactManifest('5.snapshot.json', bytes), MEDIA_TYPES.ociManifest);
    await expect(store.get('6.snapshot.json', 100)).rejects.toMatchObject({ code: 'bad-artifact' });
  });

  it('writes consistent-snapshot files once: putNew refuses an existing name', async () => {
    const store = await fresh();
    expect(await store.putNew('3.targets.json', Buffer.from('{"a":1}'))).toBe(true);
    expect(await store.putNew('3.targets.json', Buffer.from('{"a":2}'))).toBe(false);
    expect(Buffer.from((await store.get('3.targets.json', 100))!).toString()).toBe('{"a":1}');
  });

  it('lets one publisher at a time hold the lease', async () => {
    const location = `oci://${reg.host}/trust/lease`;
    const stores = await Promise.all([1, 2, 3, 4].map(() => OciStore.open(location, { client, lease: { settleMs: 50 } })));
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      stores.map((store) =>
        store.withLock(async (lock) => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await new Promise((r) => setTimeout(r, 30));
          await lock.confirm();
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
  });

  it('takes over a lease whose owner process on this host is gone', async () => {
    const store = await fresh();
    const dead = Buffer.from(JSON.stringify({ token: 'dead', host: hostname(), pid: 2 ** 22 + 4321, ttlMs: 600_000 }));
    const { leaseManifest } = await import('../../src/store/oci-artifact.js');
    await client.pushBlob(store.repo, Buffer.from('{}'));
    await client.pushManifest(store.repo, 'signet.lease', leaseManifest(dead), MEDIA_TYPES.ociManifest);
    expect(await store.withLock(async () => 'ran')).toBe('ran');
  });

  it('parses oci:// locations and names the bad part', () => {
    expect(parseOciLocation('oci://127.0.0.1:5000/team/app')).toEqual({ registry: '127.0.0.1:5000', repository: 'team/app' });
    expect(() => parseOciLocation('oci://127.0.0.1:5000')).toThrow(/oci:\/\/host/);
    expect(() => parseOciLocation('oci://host/Team')).toThrow(/repository name/);
  });
});
