// `verify --notary` and `migrate notary --server` honour HTTPS_PROXY and
// NO_PROXY like registry traffic (issue 13, N6): a loopback CONNECT proxy
// counts the tunnels to the (fake, TLS) Notary server.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OciLayout } from '../../src/image/oci-layout.js';
import { parseLayoutReference } from '../../src/image/image-reference.js';
import { certificatePemOf, craftFiles, onlineKeys, rootCertificateKey } from '../support/notary-crafter.js';
import { startFakeNotaryServer, type FakeNotaryServer } from '../support/fake-notary-server.js';
import { startConnectProxy, type ConnectProxy } from '../support/connect-proxy.js';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

const GUN = '127.0.0.1:5000/proxied/app';

describe('Notary traffic and HTTPS_PROXY', () => {
  let server: FakeNotaryServer;
  let proxy: ConnectProxy;
  let s: SignetEnv;
  let pinFile: string;
  let serverHost: string;

  beforeAll(async () => {
    [server, proxy, s] = await Promise.all([startFakeNotaryServer(), startConnectProxy(), makeSignetEnv()]);
    serverHost = new URL(server.url).host;
    const rootKey = await rootCertificateKey(GUN, 3650);
    const manifest = await new OciLayout(s.layout).getManifest(parseLayoutReference(`oci-layout:${s.layout}:1.0`));
    const targets = { '1.0': { sha256: manifest.digest.slice('sha256:'.length), length: manifest.bytes.length } };
    server.serve(GUN, craftFiles({ root: rootKey, rootVersion: 1, keys: onlineKeys(), roles: [{ name: 'targets', version: 1, targets }], snapshotVersion: 1, timestampVersion: 1 }));
    pinFile = join(s.dir, 'root.crt');
    await writeFile(pinFile, certificatePemOf(rootKey));
  }, 60_000);
  afterAll(async () => {
    await s?.cleanup();
    await proxy?.stop();
    await server?.stop();
  });
  beforeEach(() => {
    proxy.tunnels.length = 0;
    server.requests.length = 0;
  });

  const notaryFlags = () => ['--tls-ca', server.caFile, '--root-cert', pinFile];

  it('verify --notary reaches the Notary server through the proxy', async () => {
    const result = await s.cli(['verify', '--notary', server.url, ...notaryFlags(), '--gun', GUN, '--name', 'proxied/app', s.ref('1.0')], { env: { HTTPS_PROXY: proxy.url } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^proxied\/app@sha256:[0-9a-f]{64}\n$/);
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(new Set(proxy.tunnels)).toEqual(new Set([serverHost]));
  });

  it('migrate notary --server goes through the proxy too (lower-case https_proxy)', async () => {
    const result = await s.cli(['migrate', 'notary', GUN, '--server', server.url, ...notaryFlags(), '--dry-run'], { env: { https_proxy: proxy.url } });
    expect(result.code, result.stderr).toBe(0);
    expect(proxy.tunnels).toContain(serverHost);
  });

  it('NO_PROXY sends it direct', async () => {
    const result = await s.cli(['migrate', 'notary', GUN, '--server', server.url, ...notaryFlags(), '--dry-run'], { env: { HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } });
    expect(result.code, result.stderr).toBe(0);
    expect(proxy.tunnels).toEqual([]);
    expect(server.requests.length).toBeGreaterThan(0);
  });

  it('an unreachable proxy is inconclusive (exit 3), not a silent direct connection', async () => {
    const result = await s.cli(['migrate', 'notary', GUN, '--server', server.url, ...notaryFlags(), '--dry-run'], { env: { HTTPS_PROXY: 'http://127.0.0.1:1' } });
    expect(result.code, result.stderr).toBe(3);
    expect(server.requests).toEqual([]);
  });
});
