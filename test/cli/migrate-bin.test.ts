// The bundled CLI (dist/signet.mjs, built by `npm test`'s pretest) reaches a
// real notary-server: undici is loaded lazily from a bundled chunk, which
// in-process tests of the TypeScript sources cannot exercise.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OciLayout } from '../../src/image/oci-layout.js';
import { parseLayoutReference } from '../../src/image/image-reference.js';
import { buildCollection, type BuiltCollection } from '../support/notary-collection.js';
import { notaryCli, startNotaryServer, type NotaryCli, type NotaryServer } from '../support/notary-server.js';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

const BIN = fileURLToPath(new URL('../../dist/signet.mjs', import.meta.url));
const GUN = '127.0.0.1:5000/team/bin';

function runBin(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr });
    });
  });
}

describe('the bundled signet CLI against notary-server', () => {
  let server: NotaryServer;
  let cli: NotaryCli;
  let s: SignetEnv;
  let built: BuiltCollection;

  beforeAll(async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing; run \`npm run build\` (\`npm test\` builds it in pretest)`);
    server = await startNotaryServer();
    cli = await notaryCli(server);
    s = await makeSignetEnv();
    const manifest = await new OciLayout(s.layout).getManifest(parseLayoutReference(`oci-layout:${s.layout}:1.0`));
    built = await buildCollection(cli, GUN, { targets: [{ tag: '1.0', sha256: manifest.digest.slice(7), size: manifest.bytes.length }] });
  }, 120_000);
  afterAll(async () => {
    await s?.cleanup();
    await cli?.cleanup();
    await server?.stop();
  });

  it('verifies an image against the Notary collection over HTTPS', async () => {
    const result = await runBin(['verify', '--notary', server.url, '--tls-ca', server.caFile, '--root-key-id', built.rootKeyId, '--gun', GUN, '--name', 'team/bin', s.ref('1.0')], s.env, s.dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^team\/bin@sha256:[0-9a-f]{64}\n$/);
  }, 60_000);

  it('exits 3 when the server cannot be reached', async () => {
    const result = await runBin(['verify', '--notary', 'https://127.0.0.1:1', '--tls-ca', server.caFile, '--root-key-id', built.rootKeyId, '--gun', GUN, s.ref('1.0')], s.env, s.dir);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('127.0.0.1:1');
  }, 60_000);
});
