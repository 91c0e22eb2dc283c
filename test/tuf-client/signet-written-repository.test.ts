// signet's own writer (initializeRepository, updateRepository) produces a
// repository that signet's general TUF client — the same tuf-js Updater that
// `signet verify` uses — refreshes and downloads from, through a delegation
// and a root rotation.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignetRepo } from './helpers/signet-repo.js';
import { serveDirectory, type StaticServer } from './helpers/static-server.js';
import { tufCli, type Endpoints } from './helpers/tuf-cli.js';
import { tufRefresh } from '../../src/tuf-client/tuf-client.js';

let work: string;
let repo: SignetRepo;
let server: StaticServer;
let at: Endpoints;
let cli: ReturnType<typeof tufCli>;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'signet-tuf-writer-'));
  repo = new SignetRepo(join(work, 'repo'));
  await repo.init();
  await repo.addTarget('images/app/manifest.json', Buffer.from('{"schemaVersion":2}'));
  await repo.delegate(['team-b/*']);
  await repo.addTarget('team-b/tool.bin', Buffer.from('team b tool'), 'team-b');
  server = await serveDirectory(repo.dir);
  at = { metadataUrl: `${server.url}/metadata`, targetUrl: `${server.url}/targets` };
  cli = tufCli(work);
  await writeFile(join(work, 'root.json'), repo.root1);
});

afterAll(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

describe('a repository written by signet (consistent snapshots, ed25519)', () => {
  it('refreshes to the newest versions the writer published', async () => {
    expect((await cli.init('root.json')).code).toBe(0);
    const summary = await tufRefresh({ metadataUrl: at.metadataUrl, metadataDir: 'tuf-metadata', cwd: work });
    expect(summary.versions).toEqual({ root: 1, timestamp: 4, snapshot: 4, targets: 3 });
    expect(await readFile(join(work, 'tuf-metadata', 'timestamp.json'))).toEqual(await readFile(join(repo.dir, 'metadata', 'timestamp.json')));
  });

  it('downloads a target in a subdirectory and one signed by the delegated role', async () => {
    const result = await cli.download(at, ['images/app/manifest.json', 'team-b/tool.bin']);
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    expect(await readFile(join(work, 'downloads', 'images%2Fapp%2Fmanifest.json'), 'utf8')).toBe('{"schemaVersion":2}');
    expect(await readFile(join(work, 'downloads', 'team-b%2Ftool.bin'), 'utf8')).toBe('team b tool');
    expect(server.requests.some((p) => /^\/targets\/team-b\/[0-9a-f]{64}\.tool\.bin$/.test(p))).toBe(true);
  });

  it('follows a root key rotation published by signet', async () => {
    await repo.rotateRootKey();
    const result = await cli.refresh(at);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/root v2/);
    expect(await readFile(join(work, 'tuf-metadata', 'root.json'))).toEqual(await readFile(join(repo.dir, 'metadata', '2.root.json')));
  });

  it('refuses a target the delegation does not cover, even if the delegated role lists it', async () => {
    await repo.addTarget('outside/tool.bin', Buffer.from('smuggled'), 'team-b');
    const result = await cli.download(at, ['outside/tool.bin']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no trusted role/);
  });
});

describe('a repository written by signet with succinct hashed bins (TAP 15)', () => {
  it('finds and downloads each target through its bin', async () => {
    const binned = new SignetRepo(join(work, 'binned'));
    await binned.init();
    await binned.useHashedBins(3);
    const names = ['a/one.txt', 'b/two.txt', 'c/three.txt', 'd/four.txt'];
    for (const name of names) await binned.addTarget(name, Buffer.from(`content of ${name}`));
    const served = await serveDirectory(binned.dir);
    try {
      await writeFile(join(work, 'binned-root.json'), binned.root1);
      expect((await cli.init('binned-root.json', 'binned-metadata')).code).toBe(0);
      const result = await cli.download({ metadataUrl: `${served.url}/metadata`, targetUrl: `${served.url}/targets` }, names, 'binned-metadata', 'binned-downloads');
      expect(result.stderr).not.toMatch(/error/);
      expect(result.code).toBe(0);
      for (const name of names) {
        expect(await readFile(join(work, 'binned-downloads', encodeURIComponent(name)), 'utf8')).toBe(`content of ${name}`);
      }
      expect(served.requests.some((p) => /^\/metadata\/\d+\.bins-[0-7]\.json$/.test(p))).toBe(true);
    } finally {
      await served.close();
    }
  });
});
