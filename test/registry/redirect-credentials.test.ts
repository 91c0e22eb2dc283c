// Finding 4 of the trust-path review: a registry redirects a blob download to
// another origin (object storage), and that origin answers 401 with a token
// challenge of its own. The registry's credentials, and any token fetched with
// them, must never reach that origin, and its token must never come back.

import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { RegistryClient } from '../../src/registry/registry-client.js';
import { staticCredentials } from '../../src/registry/credentials.js';
import { ociDigest } from '../../src/metadata/digest.js';
import { caught } from '../support/caught.js';

interface Seen {
  url: string;
  authorization: string | undefined;
}

interface Fake {
  host: string;
  seen: Seen[];
  close(): Promise<void>;
}

const open: Fake[] = [];
const clients: RegistryClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => undefined);
  for (const f of open.splice(0)) await f.close();
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse, self: string) => void): Promise<Fake> {
  const seen: Seen[] = [];
  let host = '';
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
    handler(req, res, host);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  host = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const fake = {
    host,
    seen,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  open.push(fake);
  return fake;
}

const BLOB = Buffer.from('layer bytes');
const BLOB_DIGEST = ociDigest(BLOB);
const BASIC = `Basic ${Buffer.from('alice:s3cret-registry-password').toString('base64')}`;

/** Object storage on another origin that wants a token of its own, from its own realm. */
async function greedyStorage(): Promise<Fake> {
  return serve((req, res, self) => {
    if (req.url?.startsWith('/token')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'STORAGE-TOKEN' }));
      return;
    }
    if (req.headers.authorization === 'Bearer STORAGE-TOKEN') {
      res.writeHead(200, { 'content-length': BLOB.length }).end(BLOB);
      return;
    }
    res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${self}/token",service="storage"` }).end();
  });
}

/** A registry that needs Basic credentials, and redirects blobs to `storage`. */
async function basicRegistry(storage: Fake): Promise<Fake> {
  return serve((req, res) => {
    if (req.headers.authorization !== BASIC) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="registry"' }).end();
      return;
    }
    if (req.url === '/v2/') return void res.writeHead(200).end('{}');
    if (req.url?.includes('/blobs/')) return void res.writeHead(307, { location: `http://${storage.host}/bucket/blob` }).end();
    res.writeHead(404).end();
  });
}

/** A registry with its own token service, and redirects blobs to `storage`. */
async function tokenRegistry(storage: Fake): Promise<Fake> {
  return serve((req, res, self) => {
    if (req.url?.startsWith('/auth')) {
      if (req.headers.authorization !== BASIC) return void res.writeHead(401).end();
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'REGISTRY-TOKEN' }));
    }
    if (req.headers.authorization !== 'Bearer REGISTRY-TOKEN') {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${self}/auth",service="registry"` }).end();
      return;
    }
    if (req.url === '/v2/') return void res.writeHead(200).end('{}');
    if (req.url?.includes('/blobs/')) return void res.writeHead(307, { location: `http://${storage.host}/bucket/blob` }).end();
    res.writeHead(404).end();
  });
}

function client(): RegistryClient {
  const c = new RegistryClient({ retryDelayMs: 1, credentials: staticCredentials('alice', 's3cret-registry-password') });
  clients.push(c);
  return c;
}

describe.each([
  ['Basic credentials', basicRegistry],
  ['a token from the registry\'s own realm', tokenRegistry],
])('when a registry using %s redirects a blob to storage that asks for a token of its own', (_label, makeRegistry) => {
  it('sends the storage nothing, never brings its token back, and stops with exit 3 naming the host', async () => {
    const storage = await greedyStorage();
    const registry = await makeRegistry(storage);
    const received: Buffer[] = [];
    const error = await caught(client().fetchBlob({ registry: registry.host, repository: 'team/app' }, { digest: BLOB_DIGEST, size: BLOB.length }, (chunk) => received.push(chunk)));

    expect(error).toMatchObject({ kind: 'inconclusive', code: 'foreign-auth-challenge' });
    expect(error.message).toContain(storage.host);
    expect(error.message).not.toContain('s3cret');
    // The storage origin saw the redirected request, without any credential, and no token request.
    expect(storage.seen.length).toBeGreaterThan(0);
    expect(storage.seen.every((s) => s.authorization === undefined)).toBe(true);
    expect(storage.seen.some((s) => s.url.startsWith('/token'))).toBe(false);
    // Nothing from the storage origin was ever presented to the registry.
    expect(registry.seen.some((s) => s.authorization?.includes('STORAGE-TOKEN'))).toBe(false);
    expect(received).toEqual([]);
  });
});

describe('when the blob storage needs no credentials (a pre-signed URL)', () => {
  it('downloads the blob from it without sending the registry credentials along', async () => {
    const storage = await serve((_req, res) => void res.writeHead(200, { 'content-length': BLOB.length }).end(BLOB));
    const registry = await basicRegistry(storage);
    const received: Buffer[] = [];
    await client().fetchBlob({ registry: registry.host, repository: 'team/app' }, { digest: BLOB_DIGEST, size: BLOB.length }, (chunk) => received.push(chunk));
    expect(Buffer.concat(received)).toEqual(BLOB);
    expect(storage.seen.map((s) => s.authorization)).toEqual([undefined]);
    // The registry itself did get the credentials it asked for.
    expect(registry.seen.some((s) => s.authorization === BASIC)).toBe(true);
  });
});
