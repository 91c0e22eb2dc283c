// Test helpers that play the attacker (or a broken publisher): rewrite a
// published role with chosen keys, replay old files, serve a directory over
// HTTP on 127.0.0.1.

import { promises as fs } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { signEnvelope } from '../../src/metadata/signing.js';
import type { Envelope } from '../../src/metadata/types.js';
import type { Signer } from '../../src/keys/signer.js';
import { sha256Hex } from '../../src/metadata/digest.js';

export async function readJSON<T = Envelope<Record<string, unknown>>>(path: string): Promise<T> {
  return JSON.parse(await fs.readFile(path, 'utf8')) as T;
}

export async function writeJSON(path: string, value: unknown): Promise<Buffer> {
  const bytes = Buffer.from(JSON.stringify(value));
  await fs.writeFile(path, bytes);
  return bytes;
}

/** Re-sign `envelope` with exactly `signers` (dropping every other signature). */
export async function resign(envelope: Envelope<unknown>, signers: Signer[]): Promise<void> {
  await signEnvelope(envelope, signers, false);
}

export function metaFor(bytes: Buffer, version: number): { version: number; length: number; hashes: { sha256: string } } {
  return { version, length: bytes.length, hashes: { sha256: sha256Hex(bytes) } };
}

/** Serve `dir` read-only on 127.0.0.1; returns the base URL and a stop function. */
/** Serve `dir` over HTTP; `raw` maps the URL path to a file name without percent-decoding it. */
export async function serveDirectory(dir: string, options: { raw?: boolean } = {}): Promise<{ url: string; stop: () => Promise<void>; requests: string[] }> {
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const path = options.raw ? pathname : decodeURIComponent(pathname);
    requests.push(path);
    const file = normalize(join(dir, path));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const bytes = await fs.readFile(file);
      res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, requests, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}
