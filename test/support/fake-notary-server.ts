// A fake notary-server over TLS on 127.0.0.1 for data the real server will not
// produce (rolled-back roots and targets, crafted delegations, odd tags). It
// serves whatever files a test puts in it, the way notary-server names them:
// `<role>.json`, `<role>.<sha256>.json` and `<n>.<role>.json`; anything else is 404.

import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NotaryServer } from './notary-server.js';
import { selfSignedCertificate } from './notary-server.js';

export interface FakeNotaryServer extends NotaryServer {
  /** Replace what the server serves for `gun`: role name (`targets/releases`) → bytes; versioned roots as `1.root`. */
  serve(gun: string, files: ReadonlyMap<string, Uint8Array>): void;
  /** Requests seen, as paths. */
  requests: string[];
}

/** Start a fake server with its own self-signed certificate (CN and SAN 127.0.0.1). */
export async function startFakeNotaryServer(): Promise<FakeNotaryServer> {
  const dir = await mkdtemp(join(tmpdir(), 'signet-fake-notary-'));
  const { keyFile, certFile } = await selfSignedCertificate(dir, 'server', '127.0.0.1', ['subjectAltName=IP:127.0.0.1']);
  const collections = new Map<string, ReadonlyMap<string, Uint8Array>>();
  const requests: string[] = [];
  const server: Server = createServer({ key: await readFile(keyFile), cert: await readFile(certFile) }, (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'https://x').pathname);
    requests.push(path);
    const send = (status: number, body: Uint8Array | string) => {
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, '{"errors":[{"code":"UNSUPPORTED"}]}');
    if (path === '/v2/' || path === '/v2') return send(200, '{}');
    const bytes = lookup(collections, path);
    if (bytes) return send(200, bytes);
    send(404, '{"errors":[{"code":"METADATA_NOT_FOUND","message":"You have requested metadata that does not exist."}]}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `https://127.0.0.1:${port}`,
    caFile: certFile,
    dir,
    requests,
    serve: (gun, files) => collections.set(gun, files),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const TRUST_PATH = /^\/v2\/(.+)\/_trust\/tuf\/(.+)\.json$/;

function lookup(collections: Map<string, ReadonlyMap<string, Uint8Array>>, path: string): Uint8Array | undefined {
  const match = TRUST_PATH.exec(path);
  if (!match) return undefined;
  const files = collections.get(match[1]!);
  if (!files) return undefined;
  const name = match[2]!;
  const exact = files.get(name);
  if (exact) return exact;
  // `<role>.<sha256 hex>`: the current file when its checksum matches.
  const checksum = /^(.+)\.([0-9a-f]{64})$/.exec(name);
  if (checksum) {
    const bytes = files.get(checksum[1]!);
    if (bytes && createHash('sha256').update(bytes).digest('hex') === checksum[2]) return bytes;
  }
  return undefined;
}
