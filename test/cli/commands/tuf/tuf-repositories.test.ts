// `signet tuf refresh` and `download` against repositories written by
// @tufjs/models directly, for every key type and both consistent-snapshot
// modes, served over HTTP and read from a directory (path and file: URL).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModelsRepo } from '../../../tuf-client/helpers/models-repo.js';
import { serveDirectory, type StaticServer } from '../../../tuf-client/helpers/static-server.js';
import { tufCli, type Endpoints } from '../../../tuf-client/helpers/tuf-cli.js';
import type { KeyKind } from '../../../tuf-client/helpers/test-keys.js';

type Transport = 'http' | 'directory path' | 'file: URL';

const CASES: Array<{ keyKind: KeyKind; consistentSnapshot: boolean; transport: Transport }> = [
  { keyKind: 'ed25519', consistentSnapshot: true, transport: 'http' },
  { keyKind: 'ed25519', consistentSnapshot: false, transport: 'directory path' },
  { keyKind: 'ecdsa', consistentSnapshot: true, transport: 'http' },
  { keyKind: 'ecdsa-sha2-nistp256', consistentSnapshot: false, transport: 'file: URL' },
  { keyKind: 'rsa', consistentSnapshot: false, transport: 'http' },
  { keyKind: 'rsa', consistentSnapshot: true, transport: 'directory path' },
];

describe.each(CASES)('a $keyKind repository written by @tufjs/models, consistent snapshots $consistentSnapshot, over $transport', ({ keyKind, consistentSnapshot, transport }) => {
  let work: string;
  let repo: ModelsRepo;
  let server: StaticServer | undefined;
  let at: Endpoints;
  let cli: ReturnType<typeof tufCli>;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'signet-tuf-repo-'));
    repo = new ModelsRepo(join(work, 'repo'), { keyKind, consistentSnapshot });
    repo.addTarget('top.txt', Buffer.from('top-level target\n'));
    repo.addTarget('deep/sub/dir/file.bin', Buffer.from([0, 1, 2, 3, 255]));
    repo.addTarget('team-a/nested/tool.txt', Buffer.from('delegated\n'), ModelsRepo.delegate);
    await repo.init();
    await writeFile(join(work, 'root.json'), repo.root1);
    if (transport === 'http') {
      server = await serveDirectory(repo.dir);
      at = { metadataUrl: `${server.url}/metadata`, targetUrl: `${server.url}/targets` };
    } else if (transport === 'file: URL') {
      at = { metadataUrl: pathToFileURL(repo.metadataDir).href, targetUrl: pathToFileURL(repo.targetsDir).href };
    } else {
      at = { metadataUrl: 'repo/metadata', targetUrl: 'repo/targets' };
    }
    cli = tufCli(work);
  });

  afterAll(async () => {
    await server?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('initialises, refreshes and keeps each role byte for byte as served', async () => {
    expect((await cli.init('root.json')).code).toBe(0);
    const keys = Object.values(JSON.parse(await readFile(join(work, 'tuf-metadata', 'root.json'), 'utf8')).signed.keys) as Array<{ keytype: string }>;
    expect(new Set(keys.map((k) => k.keytype))).toEqual(new Set([keyKind]));
    const refresh = await cli.refresh(at);
    expect(refresh.stderr).toBe('');
    expect(refresh.code).toBe(0);
    const served = (role: string, version: number) => readFile(join(repo.metadataDir, consistentSnapshot && role !== 'timestamp' ? `${version}.${role}.json` : `${role}.json`));
    expect(await readFile(join(work, 'tuf-metadata', 'timestamp.json'))).toEqual(await served('timestamp', 1));
    expect(await readFile(join(work, 'tuf-metadata', 'snapshot.json'))).toEqual(await served('snapshot', 1));
    expect(await readFile(join(work, 'tuf-metadata', 'targets.json'))).toEqual(await served('targets', 1));
  });

  it('downloads top-level, subdirectory and delegated targets, verified', async () => {
    const result = await cli.download(at, ['top.txt', 'deep/sub/dir/file.bin', 'team-a/nested/tool.txt']);
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    expect(await readFile(join(work, 'downloads', 'top.txt'), 'utf8')).toBe('top-level target\n');
    expect(await readFile(join(work, 'downloads', 'deep%2Fsub%2Fdir%2Ffile.bin'))).toEqual(Buffer.from([0, 1, 2, 3, 255]));
    expect(await readFile(join(work, 'downloads', 'team-a%2Fnested%2Ftool.txt'), 'utf8')).toBe('delegated\n');
    expect(await readFile(join(work, 'tuf-metadata', 'team-a.json'))).toEqual(
      await readFile(join(repo.metadataDir, consistentSnapshot ? '1.team-a.json' : 'team-a.json')),
    );
  });

  it('follows a root rotation (new root and timestamp keys) and a new publication', async () => {
    await repo.rotateRoot({ timestampKey: true });
    repo.addTarget('after-rotation.txt', Buffer.from('v2\n'));
    await repo.publish();
    const result = await cli.download(at, ['after-rotation.txt']);
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    expect(JSON.parse(await readFile(join(work, 'tuf-metadata', 'root.json'), 'utf8')).signed.version).toBe(2);
    expect(await readFile(join(work, 'tuf-metadata', 'root.json'))).toEqual(repo.roots.get(2));
    expect(await readFile(join(work, 'downloads', 'after-rotation.txt'), 'utf8')).toBe('v2\n');
  });
});
