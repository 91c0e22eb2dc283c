// `signet verify` reads a trust repository published to a directory and
// served by a static web server: the trust store is an http:// URL, read
// through HttpStore by the same tuf-js Updater as `signet tuf`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';
import { writeSampleLayout } from '../../src/image/sample-images.js';
import { serveDirectory, type StaticServer } from '../tuf-client/helpers/static-server.js';

let work: string;
let server: StaticServer;
let rootPath: string;
const env = () => ({ SIGNET_HOME: join(work, 'home'), SIGNET_PASSPHRASE: 'test-only passphrase' });

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'signet-verify-http-'));
  await writeSampleLayout(join(work, 'images', 'app'));
  const init = await runCli(['init', 'trust', '--json'], { cwd: work, env: env() });
  expect(init.code).toBe(0);
  rootPath = (JSON.parse(init.stdout) as { rootPath: string }).rootPath;
  const sign = await runCli(['sign', 'oci-layout:images/app:1.0', '--trust-repo', 'trust', '--root', rootPath], { cwd: work, env: env() });
  expect(sign.stderr).not.toMatch(/error/);
  expect(sign.code).toBe(0);
  server = await serveDirectory(join(work, 'trust'));
});

afterAll(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

describe('signet verify with an http:// trust store', () => {
  it('verifies a signed image from the served repository', async () => {
    const result = await runCli(['verify', 'oci-layout:images/app:1.0', '--trust-repo', `${server.url}/`, '--root', rootPath], { cwd: work, env: env() });
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/@sha256:[0-9a-f]{64}/);
    expect(server.requests).toContain('/timestamp.json');
  });

  it('exits 3 (inconclusive) when the web server is down', async () => {
    const down = await serveDirectory(join(work, 'trust'));
    await down.close();
    const result = await runCli(['verify', 'oci-layout:images/app:1.0', '--trust-repo', `${down.url}/`, '--root', rootPath], { cwd: work, env: env() });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`GET ${down.url}/`);
  });

  it('exits 1 when the served timestamp was tampered with', async () => {
    const path = join(work, 'trust', 'timestamp.json');
    const original = await readFile(path);
    const doc = JSON.parse(original.toString('utf8'));
    doc.signed.version += 10;
    await writeFile(path, JSON.stringify(doc));
    try {
      const result = await runCli(['verify', 'oci-layout:images/app:1.0', '--trust-repo', `${server.url}/`, '--root', rootPath], { cwd: work, env: env() });
      expect(result.code).toBe(1);
    } finally {
      await writeFile(path, original);
    }
  });
});
