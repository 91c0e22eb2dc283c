// Misbehaviour a real registry will not produce, served by a tiny loopback
// node:http server: wrong digests, endless bodies, stalls, 5xx, resets,
// redirects to another origin, endless pages, bad challenges.

import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { RegistryClient } from '../../src/registry/registry-client.js';
import { staticCredentials } from '../../src/registry/credentials.js';
import { ociDigest } from '../../src/metadata/digest.js';
import { caught } from '../support/caught.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface Fake {
  host: string;
  requests: IncomingMessage[];
  close(): Promise<void>;
}

const open: Fake[] = [];
const clients: RegistryClient[] = [];

async function serve(handler: Handler): Promise<Fake> {
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const fake: Fake = {
    host: `127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  open.push(fake);
  return fake;
}

function client(options: ConstructorParameters<typeof RegistryClient>[0] = {}): RegistryClient {
  const c = new RegistryClient({ retryDelayMs: 1, timeoutMs: 2000, ...options });
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => undefined);
  for (const f of open.splice(0)) await f.close();
});

const MANIFEST = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: {}, layers: [] }));
const DIGEST = ociDigest(MANIFEST);
const OTHER = `sha256:${'b'.repeat(64)}`;

function sendManifest(res: ServerResponse, digest = DIGEST, body = MANIFEST): void {
  res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': digest, 'content-length': body.length });
  res.end(body);
}

const isManifest = (req: IncomingMessage) => req.url?.includes('/manifests/') ?? false;
const ping = (req: IncomingMessage, res: ServerResponse) => (req.url === '/v2/' ? (res.writeHead(200).end('{}'), true) : false);

describe('when the registry lies about the digest', () => {
  it('refuses a Docker-Content-Digest that is not the hash of the bytes, naming both', async () => {
    const fake = await serve((req, res) => ping(req, res) || sendManifest(res, OTHER));
    const error = await caught(client().getManifest({ registry: fake.host, repository: 'app', tag: 'v1' }));
    expect(error).toMatchObject({ kind: 'invalid', code: 'digest-mismatch' });
    expect(error.message).toContain(OTHER);
    expect(error.message).toContain(DIGEST);
  });

  it('refuses bytes that do not hash to the digest asked for, naming both', async () => {
    const fake = await serve((req, res) => ping(req, res) || sendManifest(res));
    const error = await caught(client().getManifest({ registry: fake.host, repository: 'app', digest: OTHER }));
    expect(error).toMatchObject({ kind: 'invalid', code: 'digest-mismatch' });
    expect(error.message).toContain(`expected ${OTHER}`);
    expect(error.message).toContain(DIGEST);
  });
});

describe('endless data', () => {
  it('stops reading a manifest body at 4 MiB', async () => {
    const fake = await serve((req, res) => {
      if (ping(req, res)) return;
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('error', () => undefined);
      pump();
    });
    const error = await caught(client().getManifest({ registry: fake.host, repository: 'app', tag: 'v1' }));
    expect(error).toMatchObject({ kind: 'invalid', code: 'too-large' });
  });

  it('refuses a declared Content-Length over the limit without reading it', async () => {
    const fake = await serve((req, res) => {
      if (ping(req, res)) return;
      res.writeHead(200, { 'content-length': String(5 * 1024 * 1024) });
      res.on('error', () => undefined);
      res.write('{');
    });
    const error = await caught(client().getManifest({ registry: fake.host, repository: 'app', tag: 'v1' }));
    expect(error).toMatchObject({ kind: 'invalid', code: 'too-large' });
  });

  it('refuses a blob that runs past its descriptor size', async () => {
    const blob = Buffer.from('exactly these bytes');
    const fake = await serve((req, res) => {
      if (ping(req, res)) return;
      res.writeHead(200);
      res.end(Buffer.concat([blob, Buffer.from('and more')]));
    });
    const error = await caught(client().fetchBlob({ registry: fake.host, repository: 'app' }, { digest: ociDigest(blob), size: blob.length }, () => undefined));
    expect(error).toMatchObject({ kind: 'invalid', code: 'size-mismatch' });
  });

  // HTTP framing ends the body at Content-Length: the excess never reaches the
  // hash (undici drops the connection as garbage). What we hash is what was declared.
  it('never takes bytes past the declared Content-Length into the manifest', async () => {
    const server = createNetServer((socket) => {
      socket.on('error', () => undefined);
      socket.on('data', (data) => {
        const isPing = data.toString('latin1').startsWith('GET /v2/ ');
        if (data[0] === 0x16) return void socket.destroy(); // TLS probe
        if (isPing) return void socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}');
        socket.end(`HTTP/1.1 200 OK\r\ncontent-type: application/vnd.oci.image.manifest.v1+json\r\ncontent-length: ${MANIFEST.length}\r\n\r\n${MANIFEST.toString()}{"extra":true}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const manifest = await client({ maxAttempts: 1 }).getManifest({ registry: `127.0.0.1:${port}`, repository: 'app', tag: 'v1' });
      expect(Buffer.from(manifest.bytes).equals(MANIFEST)).toBe(true);
      expect(manifest.digest).toBe(DIGEST);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('slow and failing registries', () => {
  it('gives up on a stalled response with a timeout (exit 3)', async () => {
    const fake = await serve((req, res) => {
      if (ping(req, res)) return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
    });
    const error = await caught(client({ timeoutMs: 150, maxAttempts: 2 }).getManifest({ registry: fake.host, repository: 'app', tag: 'v1' }));
    expect(error).toMatchObject({ kind: 'inconclusive', code: 'registry-timeout' });
    expect(error.message).toContain(`GET http://${fake.host}/v2/app/manifests/v1`);
  });

  it('retries a 500 and takes the answer that follows', async () => {
    let calls = 0;
    const fake = await serve((req, res) => {
      if (ping(req, res)) return;
      if (calls++ === 0) return void res.writeHead(500).end();
      sendManifest(res);
    });
    const manifest = await client().getManifest({ registry: fake.host, repository: 'app', tag: 'v1' });
    expect(manifest.digest).toBe(DIGEST);
    expect(calls).toBe(2);
  });

  it('retries after a connection reset', async () => {
    let calls = 0;
    const fake = await serve((req, res) => {
      if (ping(req, res)) return;
      if (calls++ === 0) return void req.socket.destroy();
      sendManifest(res);
    });
    expect((await client().getManifest({ registry: fake.host, repository: 'app', tag: 'v1' })).digest).toBe(DIGEST);
  });

  it('reports a lasting 503 with method, URL, status and error codes, and no credentials', async () => {
    let calls = 0;
    const fake = await serve((req, res) => {
      if (req.url !== '/v2/') calls++; // the plain-HTTP probe of a loopback host is not a retry
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'maintenance' }] }));
    });
    const c = client({ maxAttempts: 3, credentials: staticCredentials('bob', 'TEST-ONLY-hunter2') });
    const error = await caught(c.getManifest({ registry: fake.host, repository: 'app', tag: 'v1' }));
    expect(error).toMatchObject({ kind: 'inconclusive', code: 'registry-unavailable' });
    expect(error.message).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/v2\/app\/manifests\/v1 answered 503 UNAVAILABLE/);
    expect(error.message).not.toMatch(/hunter2|bob/);
    expect(calls).toBe(3);
  });
});

describe('redirects', () => {
  it('drops credentials when a blob redirects to another origin', async () => {
    const blob = Buffer.from('layer bytes');
    const storage = await serve((req, res) => res.writeHead(200).end(blob));
    const fake = await serve((req, res) => {
      if (req.headers.authorization !== `Basic ${Buffer.from('bob:TEST-ONLY-pw').toString('base64')}`) {
        return void res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end();
      }
      if (ping(req, res)) return;
      res.writeHead(307, { location: `http://${storage.host}/data/blob?sig=secret` }).end();
    });
    const chunks: Buffer[] = [];
    await client({ credentials: staticCredentials('bob', 'TEST-ONLY-pw') }).fetchBlob({ registry: fake.host, repository: 'app' }, { digest: ociDigest(blob), size: blob.length }, (c) => void chunks.push(c));
    expect(Buffer.concat(chunks).toString()).toBe('layer bytes');
    expect(storage.requests).toHaveLength(1);
    expect(storage.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('stops following a redirect loop', async () => {
    let hops = 0;
    const fake = await serve((req, res) => {
      if (ping(req, res)) return;
      hops++;
      res.writeHead(302, { location: `/v2/app/blobs/${DIGEST}?hop=${hops}` }).end();
    });
    const error = await caught(client().fetchBlob({ registry: fake.host, repository: 'app' }, { digest: DIGEST, size: 1 }, () => undefined));
    expect(error.code).toBe('too-many-redirects');
    expect(hops).toBe(6);
  });

  it('refuses a tags page that points at another origin', async () => {
    const other = await serve((req, res) => res.writeHead(200).end('{"tags":[]}'));
    const fake = await serve((req, res) => {
      if (ping(req, res)) return;
      res.writeHead(200, { link: `<http://${other.host}/v2/app/tags/list?n=1&last=a>; rel="next"` }).end('{"tags":["a"]}');
    });
    const error = await caught(client().listTags({ registry: fake.host, repository: 'app' }));
    expect(error.code).toBe('cross-origin-page');
    expect(other.requests).toHaveLength(0);
  });

  it('stops following tag pages at the page cap', async () => {
    let page = 0;
    const fake = await serve((req, res) => {
      if (ping(req, res)) return;
      page++;
      res.writeHead(200, { link: `</v2/app/tags/list?n=1&last=t${page}>; rel="next"` }).end(JSON.stringify({ tags: [`t${page}`] }));
    });
    const error = await caught(client().listTags({ registry: fake.host, repository: 'app' }));
    expect(error.code).toBe('too-many-pages');
    expect(page).toBe(100);
  });
});

describe('bad challenges', () => {
  it('refuses a bearer challenge without a realm', async () => {
    const fake = await serve((req, res) => res.writeHead(401, { 'www-authenticate': 'Bearer service="x"' }).end());
    const error = await caught(client().getManifest({ registry: fake.host, repository: 'app', tag: 'v1' }));
    expect(error).toMatchObject({ kind: 'usage', code: 'registry-auth' });
  });

  it('refuses a 401 with no challenge at all', async () => {
    const fake = await serve((req, res) => res.writeHead(401).end());
    const error = await caught(client().getManifest({ registry: fake.host, repository: 'app', tag: 'v1' }));
    expect(error).toMatchObject({ kind: 'usage', code: 'registry-auth' });
  });
});

describe('bearer tokens from an identity token', () => {
  it('exchanges the refresh token by POST at the realm and uses the access token', async () => {
    const forms: URLSearchParams[] = [];
    const issuer = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        forms.push(new URLSearchParams(body));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'TEST-ONLY-access', expires_in: 300 }));
      });
    });
    const fake = await serve((req, res) => {
      if (req.headers.authorization !== 'Bearer TEST-ONLY-access') {
        return void res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${issuer.host}/token",service="fake"` }).end();
      }
      if (ping(req, res)) return;
      sendManifest(res);
    });
    const c = client({ credentials: { get: async () => ({ kind: 'identity-token', token: 'TEST-ONLY-refresh' }) } });
    expect((await c.getManifest({ registry: fake.host, repository: 'app', tag: 'v1' })).digest).toBe(DIGEST);
    expect(issuer.requests[0]!.method).toBe('POST');
    expect(Object.fromEntries(forms[0]!)).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'TEST-ONLY-refresh', service: 'fake', scope: 'repository:app:pull' });
  });
});

describe('the concurrency limit', () => {
  it('keeps at most N requests in flight during bulk work', async () => {
    let inFlight = 0;
    let peak = 0;
    const fake = await serve((req, res) => {
      if (ping(req, res)) return;
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        sendManifest(res);
      }, 20);
    });
    const c = client({ concurrency: 3 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => c.getManifest({ registry: fake.host, repository: 'app', tag: `t${i}` })));
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
  });
});

describe('plain HTTP beyond loopback', () => {
  it('refuses a redirect to plain HTTP on a host not named insecure', async () => {
    const fake = await serve((req, res) => {
      if (ping(req, res)) return;
      res.writeHead(302, { location: 'http://storage.invalid/blob' }).end();
    });
    const error = await caught(client().fetchBlob({ registry: fake.host, repository: 'app' }, { digest: DIGEST, size: 1 }, () => undefined));
    expect(error.code).toBe('insecure-redirect');
  });

  it('refuses a token realm on plain HTTP off loopback, naming --insecure-registry', async () => {
    const fake = await serve((req, res) => res.writeHead(401, { 'www-authenticate': 'Bearer realm="http://auth.invalid/token",service="x"' }).end());
    const error = await caught(client().getManifest({ registry: fake.host, repository: 'app', tag: 'v1' }));
    expect(error).toMatchObject({ kind: 'usage', code: 'registry-auth' });
    expect(error.message).toContain('--insecure-registry auth.invalid');
  });
});
