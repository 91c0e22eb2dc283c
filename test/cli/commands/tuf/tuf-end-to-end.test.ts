// Done-when of issue 9: a new user runs `signet tuf init`, `refresh` and
// `download` against a TUF repository served by a static web server on
// 127.0.0.1, and gets exactly the served metadata and verified targets.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../../src/cli/run-cli.js';
import { ModelsRepo } from '../../../tuf-client/helpers/models-repo.js';
import { serveDirectory, type StaticServer } from '../../../tuf-client/helpers/static-server.js';

let work: string;
let server: StaticServer;
let repo: ModelsRepo;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'signet-tuf-e2e-'));
  repo = new ModelsRepo(join(work, 'repo'), { keyKind: 'ed25519', consistentSnapshot: true });
  repo.addTarget('hello.txt', Buffer.from('hello, world\n'));
  repo.addTarget('configs/prod/app.json', Buffer.from('{"replicas":3}\n'));
  repo.addTarget('team-a/tool.sh', Buffer.from('#!/bin/sh\necho team a\n'), ModelsRepo.delegate);
  await repo.init();
  server = await serveDirectory(repo.dir);
});

afterEach(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

const run = (...argv: string[]) => runCli(['tuf', ...argv], { cwd: work, env: {} });

describe('a new user of signet tuf against a static web server', () => {
  it('initialises from a root file, refreshes, and downloads verified targets', async () => {
    await writeFile(join(work, 'root.json'), repo.root1);
    const metadataUrl = `${server.url}/metadata/`;
    const targetUrl = `${server.url}/targets/`;

    const init = await run('init', 'root.json', '--metadata-dir', 'tuf-metadata');
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);

    const refresh = await run('refresh', '--metadata-url', metadataUrl, '--metadata-dir', 'tuf-metadata');
    expect(refresh.stderr).toBe('');
    expect(refresh.code).toBe(0);
    expect(refresh.stdout).toContain('root v1, timestamp v1, snapshot v1, targets v1');

    const download = await run(
      'download', '--metadata-url', metadataUrl, '--metadata-dir', 'tuf-metadata',
      '--target-base-url', targetUrl, '--target-dir', 'downloads',
      '--target-name', 'hello.txt', '--target-name', 'configs/prod/app.json', '--target-name', 'team-a/tool.sh',
    );
    expect(download.stderr).not.toContain('error');
    expect(download.code).toBe(0);
    expect(await readFile(join(work, 'downloads', 'hello.txt'), 'utf8')).toBe('hello, world\n');
    expect(await readFile(join(work, 'downloads', 'configs%2Fprod%2Fapp.json'), 'utf8')).toBe('{"replicas":3}\n');
    expect(await readFile(join(work, 'downloads', 'team-a%2Ftool.sh'), 'utf8')).toBe('#!/bin/sh\necho team a\n');
    expect((await readdir(join(work, 'tuf-metadata'))).sort()).toEqual(['root.json', 'snapshot.json', 'targets.json', 'team-a.json', 'timestamp.json']);
  });
});

describe('a server that closes every connection after its response (like python -m http.server)', () => {
  it('downloads a large target completely (undici#5360: a paused body must not meet a FIN)', async () => {
    const big = Buffer.alloc(16 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32BE(i, i);
    repo.addTarget('images/big.tar', big);
    await repo.publish();
    const closing = await serveDirectory(repo.dir, { closeConnections: true });
    try {
      await writeFile(join(work, 'root.json'), repo.root1);
      expect((await run('init', 'root.json', '--metadata-dir', 'm')).code).toBe(0);
      const result = await run(
        'download', '--metadata-url', `${closing.url}/metadata/`, '--metadata-dir', 'm',
        '--target-base-url', `${closing.url}/targets/`, '--target-dir', 'downloads', '--target-name', 'images/big.tar',
      );
      expect(result.stderr).not.toMatch(/error/);
      expect(result.code).toBe(0);
      expect((await readFile(join(work, 'downloads', 'images%2Fbig.tar'))).equals(big)).toBe(true);
    } finally {
      await closing.close();
    }
  });
});
