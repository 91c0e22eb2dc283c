// `signet tuf init`: installs only a valid self-signed root, atomically, and
// refuses symlinks and silent replacement of a trusted root.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelsRepo } from '../../../tuf-client/helpers/models-repo.js';
import { tufCli } from '../../../tuf-client/helpers/tuf-cli.js';

let work: string;
let repo: ModelsRepo;
let cli: ReturnType<typeof tufCli>;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'signet-tuf-init-'));
  repo = new ModelsRepo(join(work, 'repo'), { keyKind: 'ecdsa', consistentSnapshot: true });
  await repo.init();
  await writeFile(join(work, 'root.json'), repo.root1);
  cli = tufCli(work);
});

afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('signet tuf init', () => {
  it('installs the root byte for byte as DIR/root.json and nothing else', async () => {
    const result = await cli.init('root.json', 'meta/nested');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Trusting root v1');
    expect(await readFile(join(work, 'meta/nested/root.json'))).toEqual(repo.root1);
    expect(await readdir(join(work, 'meta/nested'))).toEqual(['root.json']);
  });

  it('is idempotent for the same root', async () => {
    expect((await cli.init('root.json')).code).toBe(0);
    const again = await cli.init('root.json');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Already trusting root v1');
  });

  it('prints JSON with --json', async () => {
    const result = await cli.run('init', 'root.json', '--metadata-dir', 'm', '--json');
    expect(JSON.parse(result.stdout)).toMatchObject({ version: 1, installed: true, consistentSnapshot: true });
  });

  it('refuses to replace a different trusted root', async () => {
    expect((await cli.init('root.json')).code).toBe(0);
    const other = new ModelsRepo(join(work, 'other'), { keyKind: 'ed25519', consistentSnapshot: true });
    await other.init();
    await writeFile(join(work, 'other-root.json'), other.root1);
    const result = await cli.init('other-root.json');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/already trusts a different root/);
    expect(await readFile(join(work, 'tuf-metadata/root.json'))).toEqual(repo.root1);
  });

  it('refuses a root file that is a symlink', async () => {
    await symlink(join(work, 'root.json'), join(work, 'link.json'));
    const result = await cli.init('link.json');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/symlink/);
  });

  it('refuses a root.json in the metadata directory that is a symlink', async () => {
    await mkdir(join(work, 'tuf-metadata'));
    await symlink(join(work, 'root.json'), join(work, 'tuf-metadata/root.json'));
    const result = await cli.init('root.json');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/symlink/);
  });

  it('refuses a root below its own threshold (not self-signed)', async () => {
    const doc = JSON.parse(repo.root1.toString('utf8'));
    doc.signatures = [];
    await writeFile(join(work, 'unsigned.json'), JSON.stringify(doc));
    const result = await cli.init('unsigned.json');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not signed by a threshold of its own root keys/);
  });

  it('refuses a root whose signed part was edited', async () => {
    const doc = JSON.parse(repo.root1.toString('utf8'));
    doc.signed.expires = '2099-01-01T00:00:00Z';
    await writeFile(join(work, 'edited.json'), JSON.stringify(doc));
    expect((await cli.init('edited.json')).code).toBe(1);
  });

  it('refuses metadata that is not a root', async () => {
    await writeFile(join(work, 'timestamp.json'), await readFile(join(repo.metadataDir, 'timestamp.json')));
    const result = await cli.init('timestamp.json');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is not TUF root metadata/);
  });

  it('refuses a file that is not JSON', async () => {
    await writeFile(join(work, 'junk.json'), 'not json');
    expect((await cli.init('junk.json')).code).toBe(1);
  });

  it('exits 1 when the root file does not exist', async () => {
    const result = await cli.init('missing.json');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/does not exist/);
  });

  it('exits 1, not 2, on a usage error such as a missing --metadata-dir', async () => {
    const result = await cli.run('init', 'root.json');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: required option '--metadata-dir <dir>' not specified/);
  });

  it('exits 0 for --help and lists the exit-code rule', async () => {
    const result = await cli.run('init', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/0 success; 1 any failure/);
  });
});

describe('signet tuf refresh before init', () => {
  it('exits 1 and says to run signet tuf init', async () => {
    const result = await cli.refresh({ metadataUrl: 'repo/metadata', targetUrl: 'repo/targets' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/run `signet tuf init/);
  });
});

describe('signet tuf refresh against plain http to a remote host', () => {
  it('exits 1 before any request and names --allow-insecure-http', async () => {
    expect((await cli.init('root.json')).code).toBe(0);
    const result = await cli.refresh({ metadataUrl: 'http://tuf.example.com/metadata/', targetUrl: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/refusing plain http .* pass --allow-insecure-http/);
  });
});

describe('signet tuf refresh with a damaged trusted root.json', () => {
  it('exits 1 naming the local file, before any request', async () => {
    expect((await cli.init('root.json')).code).toBe(0);
    await writeFile(join(work, 'tuf-metadata', 'root.json'), '{"signed":{}}');
    const result = await cli.refresh({ metadataUrl: 'repo/metadata', targetUrl: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/trusted .*tuf-metadata\/root.json is not TUF root metadata/);
  });

  it('refuses a trusted root.json that is a symlink', async () => {
    await mkdir(join(work, 'tuf-metadata'));
    await symlink(join(work, 'root.json'), join(work, 'tuf-metadata', 'root.json'));
    const result = await cli.refresh({ metadataUrl: 'repo/metadata', targetUrl: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/symlink/);
  });
});

describe('a root with a 2-of-3 threshold over mixed key types (ed25519, ecdsa, rsa)', () => {
  async function mixedRoot(signWith: number): Promise<Buffer> {
    const { Metadata, Root, Key, Signature } = await import('@tufjs/models');
    const { generateTestKey } = await import('../../../tuf-client/helpers/test-keys.js');
    const keys = [generateTestKey('ed25519'), generateTestKey('ecdsa'), generateTestKey('rsa')];
    const draft = new Root({ version: 1, specVersion: '1.0.31', expires: '2099-01-01T00:00:00Z', consistentSnapshot: true });
    for (const role of ['root', 'targets', 'snapshot', 'timestamp']) for (const key of keys) draft.addKey(Key.fromJSON(key.keyid, key.json), role);
    const json = draft.toJSON() as { roles: Record<string, { threshold: number }> };
    json.roles['root']!.threshold = 2;
    const metadata = new Metadata(Root.fromJSON(json as Parameters<typeof Root.fromJSON>[0]));
    for (const key of keys.slice(0, signWith)) metadata.sign((data) => new Signature({ keyID: key.keyid, sig: key.sign(data) }), true);
    return Buffer.from(JSON.stringify(metadata.toJSON()));
  }

  it('is installed when two keys of different types signed it', async () => {
    await writeFile(join(work, 'mixed.json'), await mixedRoot(2));
    const result = await cli.init('mixed.json', 'mixed');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('is refused with only one signature', async () => {
    await writeFile(join(work, 'mixed.json'), await mixedRoot(1));
    const result = await cli.init('mixed.json', 'mixed');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not signed by a threshold of its own root keys/);
  });
});
