// A stock tuf-js Updater (default settings, default fetcher) reading a trust
// directory over HTTP on 127.0.0.1: proof that other TUF clients accept what
// signet wrote, whatever its keys are.

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Updater } from 'tuf-js';
import { serveDirectory } from './attacker.js';

/**
 * The target info tuf-js finds for `target`, after a full refresh from
 * `rootPath`. tuf-js percent-encodes role names once in URLs (`1.team%2Fci.json`),
 * so for such names the server must map URL paths to file names as they are (`raw`).
 */
export async function stockTufJsTarget(trustDir: string, rootPath: string, clientDir: string, target: string, options: { raw?: boolean } = {}) {
  const server = await serveDirectory(trustDir, options);
  try {
    await fs.mkdir(clientDir, { recursive: true });
    await fs.copyFile(rootPath, join(clientDir, 'root.json'));
    const updater = new Updater({ metadataDir: clientDir, metadataBaseUrl: server.url });
    await updater.refresh();
    return await updater.getTargetInfo(target);
  } finally {
    await server.stop();
  }
}
