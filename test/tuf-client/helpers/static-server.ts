// A tiny static file server on 127.0.0.1 for the TUF client tests: serves a
// directory read-only (GET/HEAD, 404 for anything missing) and records every
// path requested, so tests can tell whether a file was fetched.

import { createServer, type Server } from 'node:http';
import { promises as fs } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';

export interface StaticServer {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Close the connection after each response, like python's http.server (HTTP/1.0 style). */
  closeConnections?: boolean;
}

export async function serveDirectory(root: string, options: ServeOptions = {}): Promise<StaticServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      requests.push(path);
      const file = normalize(join(root, path));
      if (!file.startsWith(root + sep) || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res.writeHead(404).end();
        return;
      }
      try {
        const bytes = await fs.readFile(file);
        const headers: Record<string, string | number> = { 'content-length': bytes.length, 'content-type': 'application/octet-stream' };
        if (options.closeConnections) headers['connection'] = 'close';
        res.writeHead(200, headers);
        res.end(req.method === 'HEAD' ? undefined : bytes);
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
