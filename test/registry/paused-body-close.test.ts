// undici 7 asserts (uncatchable, nodejs/undici#5360) when a server closes the
// connection while a response body is paused. `signet pull` wrote each blob
// chunk with an awaited file write, pausing the body; a registry that answers
// with `Connection: close` then crashed the process. Loopback node:http only.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '../../src/registry/registry-client.js';
import { pullImage } from '../../src/registry/pull-image.js';
import { NotaryServerFetcher } from '../../src/notary/notary-server-fetcher.js';
import type { RegistryReference } from '../../src/image/image-reference.js';

const BIG = 32 * 1024 * 1024;
const layer = Buffer.alloc(BIG, 67);
const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const manifestBytes = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digestOf(layer), size: BIG }],
  }),
);

let server: Server;
let host: string;
let work: string;

beforeAll(async () => {
  const blobs = new Map([
    [digestOf(layer), layer],
    [digestOf(config), config],
  ]);
  server = createServer((req, res) => {
    // Every answer closes the connection after its body, as HTTP/1.0 servers and some proxies do.
    res.setHeader('connection', 'close');
    const blob = /^\/v2\/app\/blobs\/(sha256:[0-9a-f]{64})$/.exec(req.url ?? '')?.[1];
    if (req.url === '/v2/') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } else if (blob && blobs.has(blob)) {
      res.writeHead(200, { 'content-length': String(blobs.get(blob)!.length) }).end(blobs.get(blob));
    } else if (req.url === '/v2/big/_trust/tuf/root.json') {
      res.writeHead(200, { 'content-length': String(BIG) }).end(layer);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  work = await mkdtemp(join(tmpdir(), 'signet-paused-'));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await rm(work, { recursive: true, force: true });
});

describe('when a registry closes the connection right after a large blob', () => {
  it('pull writes the whole blob and the process survives (undici#5360)', async () => {
    const client = new RegistryClient({ retryDelayMs: 1, timeoutMs: 30_000 });
    try {
      const ref = { registry: host, repository: 'app', tag: 'big' } as RegistryReference;
      const manifest = { digest: digestOf(manifestBytes), size: manifestBytes.length, mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes: manifestBytes };
      for (let i = 0; i < 4; i++) {
        const dir = join(work, `pull-${i}`);
        const result = await pullImage(client, ref, manifest, dir);
        expect(result.bytes).toBeGreaterThanOrEqual(BIG);
        const file = join(dir, 'blobs', 'sha256', digestOf(layer).slice('sha256:'.length));
        expect((await stat(file)).size).toBe(BIG);
        expect(digestOf(await readFile(file))).toBe(digestOf(layer));
      }
    } finally {
      await client.close();
    }
  }, 120_000);
});

describe('when a Notary server closes the connection after a large answer', () => {
  it('reads it whole without crashing, and refuses it when it is over the limit', async () => {
    for (let i = 0; i < 4; i++) {
      const fetcher = new NotaryServerFetcher({ server: `http://${host}`, gun: 'big', timeoutMs: 30_000 });
      const bytes = await fetcher.get({ role: 'root' }, BIG);
      expect(bytes?.length).toBe(BIG);
      await expect(fetcher.get({ role: 'root' }, BIG - 1)).rejects.toMatchObject({ code: 'notary-too-large' });
    }
  }, 120_000);
});
