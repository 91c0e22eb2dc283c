// pullImage against a loopback node:http registry that misbehaves in ways the
// real registry will not (more bytes than signed, other bytes than signed),
// with blobs large enough to be written in many background batches: nothing
// reaches the destination unless every byte matches the verified manifest.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '../../src/registry/registry-client.js';
import { pullImage } from '../../src/registry/pull-image.js';
import type { RegistryReference } from '../../src/image/image-reference.js';
import { caught } from '../support/caught.js';
import { VerificationError } from '../../src/errors.js';

const SIZE = 24 * 1024 * 1024 + 777;
const layer = Buffer.allocUnsafe(SIZE);
for (let i = 0; i < SIZE; i++) layer[i] = ((i * 2_654_435_761) >>> 24) ^ (i >>> 20); // no two MiB alike
const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const manifestBytes = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digestOf(layer), size: SIZE }],
  }),
);
const manifest = { digest: digestOf(manifestBytes), size: manifestBytes.length, mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes: manifestBytes };

/** What the fake registry serves for the layer, per repository. */
const LAYER_BODIES: Record<string, Buffer> = {
  good: layer,
  longer: Buffer.concat([layer, Buffer.from('one more byte and then some')]),
  other: Buffer.concat([layer.subarray(0, SIZE - 1), Buffer.from([layer[SIZE - 1]! ^ 1])]),
};

let server: Server;
let host: string;
let work: string;
let client: RegistryClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    const match = /^\/v2\/(\w+)\/blobs\/(sha256:[0-9a-f]{64})$/.exec(req.url ?? '');
    if (req.url === '/v2/') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    if (match && match[2] === digestOf(config)) return void res.writeHead(200, { 'content-length': String(config.length) }).end(config);
    const body = match && match[2] === digestOf(layer) && Object.hasOwn(LAYER_BODIES, match[1]!) ? LAYER_BODIES[match[1]!]! : undefined;
    if (!body) return void res.writeHead(404).end();
    // Chunked, no Content-Length: only the byte count and the hash can catch a wrong body.
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    for (let at = 0; at < body.length; at += 1 << 20) res.write(body.subarray(at, at + (1 << 20)));
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  work = await mkdtemp(join(tmpdir(), 'signet-pull-image-'));
  client = new RegistryClient({ retryDelayMs: 1, timeoutMs: 30_000 });
});

afterAll(async () => {
  await client?.close();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await rm(work, { recursive: true, force: true });
});

const ref = (repository: string) => ({ registry: host, repository, tag: 'v1', name: repository, text: `${host}/${repository}:v1`, kind: 'registry' }) as RegistryReference;
const leftovers = async (name: string) => (await readdir(work)).filter((n) => n.includes(name));

describe('when the registry serves the signed bytes', () => {
  it('writes the blob byte for byte under its digest', async () => {
    const dir = join(work, 'good');
    const result = await pullImage(client, ref('good'), manifest, dir);
    expect(result.bytes).toBe(SIZE + config.length);
    const file = join(dir, 'blobs', 'sha256', digestOf(layer).slice('sha256:'.length));
    expect((await stat(file)).size).toBe(SIZE);
    expect((await readFile(file)).equals(layer)).toBe(true);
  }, 60_000);
});

describe('when the registry sends more bytes than the manifest signs', () => {
  it('refuses the blob and leaves no layout, blob or temp file behind', async () => {
    const error = await caught(pullImage(client, ref('longer'), manifest, join(work, 'longer')));
    expect(error).toMatchObject({ kind: 'invalid', code: 'size-mismatch' });
    expect(await leftovers('longer')).toEqual([]);
  }, 60_000);
});

describe('when the registry sends other bytes of the signed length', () => {
  it('refuses the blob on its hash and leaves nothing behind', async () => {
    const error = await caught(pullImage(client, ref('other'), manifest, join(work, 'other')));
    expect(error).toMatchObject({ kind: 'invalid', code: 'digest-mismatch' });
    expect(await leftovers('other')).toEqual([]);
  }, 60_000);
});

describe('when one blob fails while others are still downloading', () => {
  it('fails only after every copy in progress ended, with the first error, and leaves nothing behind', async () => {
    // A stub client: the config fails at once (wrong bytes), the layer is held until released.
    let releaseLayer!: () => void;
    const layerHeld = new Promise<void>((r) => (releaseLayer = r));
    let layerEnded = false;
    let configFailed!: () => void;
    const configFailedSeen = new Promise<void>((r) => (configFailed = r));
    const stub = {
      getManifest: client.getManifest.bind(client),
      fetchBlob: async (_repo: unknown, d: { digest: string }, sink: (chunk: Buffer) => void) => {
        if (d.digest === digestOf(config)) {
          configFailed();
          throw new VerificationError('digest-mismatch', 'config hashed to other bytes');
        }
        await layerHeld;
        sink(layer.subarray(0, 1024));
        layerEnded = true;
        throw new VerificationError('size-mismatch', 'layer cut short');
      },
    } as unknown as RegistryClient;
    const dir = join(work, 'mixed');
    let settled = false;
    const pulled = pullImage(stub, ref('good'), manifest, dir).finally(() => (settled = true));
    await configFailedSeen;
    // Give a premature rejection every chance to land (the old code rejected here at once).
    for (let i = 0; i < 100 && !settled; i++) await new Promise((r) => setTimeout(r, 5));
    expect(settled).toBe(false); // the config failed, but the layer copy is still running
    releaseLayer();
    const error = await caught(pulled);
    expect(layerEnded).toBe(true);
    expect(error.message).toBe('config hashed to other bytes');
    expect(await leftovers('mixed')).toEqual([]);
  });
});
