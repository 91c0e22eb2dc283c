// TLS with a custom CA, no downgrade to HTTP on a certificate problem,
// plain HTTP refused for non-loopback hosts, and HTTP(S)_PROXY / NO_PROXY.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createHttpServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '../../src/registry/registry-client.js';
import { plainHttpAllowed } from '../../src/registry/registry-options.js';
import { ociDigest } from '../../src/metadata/digest.js';
import { requireBinary, run } from '../support/registry-server.js';
import { caught } from '../support/caught.js';

const MANIFEST = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]}');

function registryHandler(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
  if (req.url === '/v2/') return void res.writeHead(200).end('{}');
  res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': ociDigest(MANIFEST) }).end(MANIFEST);
}

async function listen(server: Server | HttpsServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

describe('a registry with a certificate from a private CA', () => {
  let dir: string;
  let server: HttpsServer;
  let host: string;
  let ca: string;

  beforeAll(async () => {
    requireBinary('/usr/bin/openssl', 'openssl');
    dir = await fs.mkdtemp(join(tmpdir(), 'signet-tls-'));
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=signet-test-registry', '-addext', 'subjectAltName=IP:127.0.0.1']);
    ca = await fs.readFile(join(dir, 'cert.pem'), 'utf8');
    server = createHttpsServer({ key: await fs.readFile(join(dir, 'key.pem')), cert: ca }, registryHandler);
    host = `127.0.0.1:${await listen(server)}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('is trusted with the CA given', async () => {
    const client = new RegistryClient({ caCertificates: [ca] });
    expect((await client.getManifest({ registry: host, repository: 'app', tag: 'v1' })).digest).toBe(ociDigest(MANIFEST));
    await client.close();
  });

  it('is refused without it, pointing at --ca-file, and never retried over plain HTTP', async () => {
    const client = new RegistryClient();
    const error = await caught(client.getManifest({ registry: host, repository: 'app', tag: 'v1' }));
    expect(error).toMatchObject({ kind: 'inconclusive', code: 'registry-tls' });
    expect(error.message).toContain('--ca-file');
    await client.close();
  });
});

describe('plain HTTP', () => {
  it('is allowed for loopback hosts and hosts named with --insecure-registry only', () => {
    expect(plainHttpAllowed('127.0.0.1:5000', {})).toBe(true);
    expect(plainHttpAllowed('localhost', {})).toBe(true);
    expect(plainHttpAllowed('[::1]:5000', {})).toBe(true);
    expect(plainHttpAllowed('registry.internal:5000', {})).toBe(false);
    expect(plainHttpAllowed('registry.internal:5000', { insecureRegistries: ['registry.internal:5000'] })).toBe(true);
    expect(plainHttpAllowed('registry.internal:5000', { insecureRegistries: ['registry.internal'] })).toBe(true);
    expect(plainHttpAllowed('other.internal', { insecureRegistries: ['registry.internal'] })).toBe(false);
  });
});

describe('a plain-HTTP registry on a loopback address', () => {
  it('is spoken to in plain HTTP from the first byte: no TLS ClientHello probe', async () => {
    const notHttp: string[] = [];
    const server = createHttpServer(registryHandler);
    // A TLS ClientHello sent to a plain HTTP server is a parse error here.
    server.on('clientError', (error: Error, socket) => {
      notHttp.push(error.message);
      socket.destroy();
    });
    const host = `127.0.0.1:${await listen(server)}`;
    try {
      const client = new RegistryClient();
      expect((await client.getManifest({ registry: host, repository: 'app', tag: 'v1' })).digest).toBe(ociDigest(MANIFEST));
      await client.close();
      expect(notHttp).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('proxies', () => {
  let registry: Server;
  let proxy: Server;
  let registryPort: number;
  let proxyUrl: string;
  const tunnels: string[] = [];

  beforeAll(async () => {
    registry = createHttpServer(registryHandler);
    registryPort = await listen(registry);
    proxy = createHttpServer((req, res) => res.writeHead(405).end());
    proxy.on('connect', (req, socket, head) => {
      tunnels.push(req.url ?? '');
      const [h, p] = (req.url ?? '').split(':');
      const upstream = connect(Number(p), h!, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    proxyUrl = `http://127.0.0.1:${await listen(proxy)}`;
  });
  afterAll(async () => {
    for (const s of [registry, proxy]) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  });

  it('sends registry traffic through HTTP_PROXY', async () => {
    tunnels.length = 0;
    const client = new RegistryClient({ proxy: { httpProxy: proxyUrl, httpsProxy: proxyUrl } });
    expect((await client.getManifest({ registry: `127.0.0.1:${registryPort}`, repository: 'app', tag: 'v1' })).digest).toBe(ociDigest(MANIFEST));
    expect(tunnels).toContain(`127.0.0.1:${registryPort}`);
    await client.close();
  });

  it('goes direct for hosts in NO_PROXY', async () => {
    tunnels.length = 0;
    const client = new RegistryClient({ proxy: { httpProxy: proxyUrl, httpsProxy: proxyUrl, noProxy: '127.0.0.1' } });
    expect((await client.getManifest({ registry: `127.0.0.1:${registryPort}`, repository: 'app', tag: 'v1' })).digest).toBe(ociDigest(MANIFEST));
    expect(tunnels).toEqual([]);
    await client.close();
  });
});
