// Metadata written by signet must be accepted by a separate, stock tuf-js
// Updater with default settings (default fetcher, over HTTP on 127.0.0.1).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Updater } from 'tuf-js';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { serveDirectory } from '../support/attacker.js';
import { initTrustRepository } from '../../src/workflows/init.js';
import { signImages } from '../../src/workflows/sign.js';

let s: SignetEnv;
beforeEach(async () => {
  s = await makeSignetEnv();
});
afterEach(async () => {
  await s.cleanup();
});

describe('a stock tuf-js client', () => {
  it('refreshes signet metadata served by a static web server and finds the signed targets', async () => {
    const trust = join(s.dir, 'trust');
    const init = await initTrustRepository(trust, { scope: 'app' }, s.context());
    const [signed] = await signImages([s.ref('1.0')], {}, s.context());
    const server = await serveDirectory(trust);
    try {
      const metadataDir = join(s.dir, 'stock-client');
      await fs.mkdir(metadataDir);
      await fs.copyFile(init.rootPath, join(metadataDir, 'root.json'));
      const updater = new Updater({ metadataDir, metadataBaseUrl: server.url });
      await updater.refresh();
      const info = await updater.getTargetInfo('app:1.0');
      expect(info?.length).toBe(signed!.size);
      expect(`sha256:${info?.hashes['sha256']}`).toBe(signed!.digest);
      expect(info?.custom['mediaType']).toBe('application/vnd.oci.image.manifest.v1+json');
      expect(await updater.getTargetInfo('app:9.9')).toBeUndefined();
      expect(server.requests).toContain('/timestamp.json');
      expect(server.requests).toContain('/2.snapshot.json');
    } finally {
      await server.stop();
    }
  });
});
