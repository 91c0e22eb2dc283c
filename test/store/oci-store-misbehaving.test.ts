// The OCI store against a registry that lies (a tiny loopback node:http
// server): payloads that do not hash to their descriptor, descriptors over
// the limit, endless bodies. The real registry never does this.

import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { OciStore } from '../../src/store/oci-store.js';
import { RegistryClient } from '../../src/registry/registry-client.js';
import { artifactManifest } from '../../src/store/oci-artifact.js';
import { ociDigest } from '../../src/metadata/digest.js';

const closers: Array<() => Promise<void>> = [];
const stores = new Map<string, RegistryClient>();
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A registry that serves `manifest` for any manifest request and `blob` for any blob request. */
async function lyingRegistry(manifest: Buffer, blob: (res: ServerResponse) => void): Promise<{ host: string; blobRequests: () => number }> {
  let blobRequests = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '';
    if (path === '/v2/') return void res.writeHead(200).end('{}');
    if (path.includes('/manifests/')) {
      return void res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': manifest.length }).end(manifest);
    }
    if (path.includes('/blobs/')) {
      blobRequests++;
      return blob(res);
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const client = new RegistryClient({ retryDelayMs: 1, timeoutMs: 2000 });
  closers.push(async () => {
    await client.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  stores.set(`127.0.0.1:${port}`, client);
  return { host: `127.0.0.1:${port}`, blobRequests: () => blobRequests };
}
const open = (host: string) => OciStore.open(`oci://${host}/team/app`, { client: stores.get(host)! });

describe('when the registry serves trust metadata that does not match its descriptor', () => {
  it('refuses a payload whose bytes hash to something else (same length)', async () => {
    const real = Buffer.from('{"signed":{"version":7}}');
    const fake = Buffer.from('{"signed":{"version":9}}');
    const reg = await lyingRegistry(artifactManifest('timestamp.json', real), (res) => res.writeHead(200, { 'content-length': fake.length }).end(fake));
    await expect((await open(reg.host)).get('timestamp.json', 1000)).rejects.toMatchObject({ kind: 'invalid', code: 'digest-mismatch' });
  });

  it('refuses a descriptor larger than the limit without downloading the payload', async () => {
    const big = Buffer.alloc(100_000, 32);
    const reg = await lyingRegistry(artifactManifest('timestamp.json', big), (res) => res.writeHead(200).end(big));
    await expect((await open(reg.host)).get('timestamp.json', 16 * 1024)).rejects.toMatchObject({ kind: 'invalid', code: 'too-large' });
    expect(reg.blobRequests()).toBe(0);
  });

  it('stops reading an endless payload at the size its descriptor names', async () => {
    const small = Buffer.from('{"a":1}');
    const reg = await lyingRegistry(artifactManifest('timestamp.json', small), (res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 32);
      const pump = () => {
        while (res.write(chunk)) {
          /* keep writing until the client stops reading */
        }
        res.once('drain', pump);
      };
      res.on('error', () => undefined);
      pump();
    });
    await expect((await open(reg.host)).get('timestamp.json', 1000)).rejects.toMatchObject({ kind: 'invalid', code: 'size-mismatch' });
  });

  it('refuses an image manifest (not a signet artifact) under a trust tag', async () => {
    const image = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: ociDigest(Buffer.from('{}')), size: 2 }, layers: [] }));
    const reg = await lyingRegistry(image, (res) => res.writeHead(404).end());
    await expect((await open(reg.host)).get('timestamp.json', 1000)).rejects.toMatchObject({ kind: 'invalid', code: 'bad-artifact' });
  });
});
