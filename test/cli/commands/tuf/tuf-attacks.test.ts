// One test per attack on `signet tuf`: each must exit 1, say what failed on
// stderr, and leave nothing unverified behind.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelsRepo } from '../../../tuf-client/helpers/models-repo.js';
import { serveDirectory, type StaticServer } from '../../../tuf-client/helpers/static-server.js';
import { tufCli, type Endpoints } from '../../../tuf-client/helpers/tuf-cli.js';
import { generateTestKey } from '../../../tuf-client/helpers/test-keys.js';

let work: string;
let repo: ModelsRepo;
let server: StaticServer;
let at: Endpoints;
let cli: ReturnType<typeof tufCli>;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'signet-tuf-attack-'));
  repo = new ModelsRepo(join(work, 'repo'), { keyKind: 'ed25519', consistentSnapshot: true });
  repo.addTarget('app/app.tar', Buffer.from('the real application\n'));
  repo.addTarget('other.txt', Buffer.from('other\n'));
  await repo.init();
  server = await serveDirectory(repo.dir);
  at = { metadataUrl: `${server.url}/metadata/`, targetUrl: `${server.url}/targets/` };
  cli = tufCli(work);
  await writeFile(join(work, 'root.json'), repo.root1);
  expect((await cli.init('root.json')).code).toBe(0);
});

afterEach(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

const trustedVersion = async (role: string) => JSON.parse(await readFile(join(work, 'tuf-metadata', `${role}.json`), 'utf8')).signed.version as number;
const downloads = async () => readdir(join(work, 'downloads')).catch(() => [] as string[]);

describe('when a served target is tampered with (arbitrary software)', () => {
  it('exits 1, names the target, and stores nothing', async () => {
    for (const path of repo.targetPaths('app/app.tar')) await writeFile(path, 'the EVIL application\n');
    const result = await cli.download(at, ['app/app.tar']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: target "app\/app.tar": .*does not match its signed length and hashes/);
    expect(await downloads()).toEqual([]);
  });
});

describe('when a served target is shorter than signed', () => {
  it('exits 1 on the length mismatch', async () => {
    for (const path of repo.targetPaths('app/app.tar')) await writeFile(path, 'the real\n');
    const result = await cli.download(at, ['app/app.tar']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/signed sha256:[0-9a-f]{64} \(21 bytes\), found sha256:[0-9a-f]{64} \(9 bytes\)/);
  });
});

describe('when a served target is longer than signed (endless data)', () => {
  it('stops reading at the signed length and exits 1', async () => {
    for (const path of repo.targetPaths('app/app.tar')) await writeFile(path, Buffer.alloc(1024 * 1024, 7));
    const result = await cli.download(at, ['app/app.tar']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: target "app\/app.tar": .*is longer than its signed length of 21 bytes/);
    expect(await downloads()).toEqual([]);
  });
});

describe('when the timestamp version goes backwards (rollback)', () => {
  it('exits 1 and keeps the newer trusted timestamp', async () => {
    const old = await readFile(join(repo.metadataDir, 'timestamp.json'));
    await repo.publish();
    await repo.publish();
    expect((await cli.refresh(at)).code).toBe(0);
    expect(await trustedVersion('timestamp')).toBe(3);
    await writeFile(join(repo.metadataDir, 'timestamp.json'), old);
    const result = await cli.refresh(at);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: .*rollback/);
    expect(await trustedVersion('timestamp')).toBe(3);
  });

  it('also makes download exit 1 before fetching any target', async () => {
    const old = await readFile(join(repo.metadataDir, 'timestamp.json'));
    await repo.publish();
    expect((await cli.refresh(at)).code).toBe(0);
    await writeFile(join(repo.metadataDir, 'timestamp.json'), old);
    const result = await cli.download(at, ['other.txt']);
    expect(result.code).toBe(1);
    expect(server.requests.filter((p) => p.startsWith('/targets/'))).toEqual([]);
  });
});

describe('when metadata is signed by a key root does not trust (wrong key)', () => {
  it('exits 1 naming the role', async () => {
    repo.keys.timestamp = generateTestKey('ed25519');
    await repo.publish();
    const result = await cli.refresh(at);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: .*not signed by the trusted keys.*timestamp/i);
  });
});

describe('when snapshot is signed by a key root does not trust', () => {
  it('exits 1 blaming the signature, not the normal end of the root chain', async () => {
    repo.keys.snapshot = generateTestKey('ed25519');
    await repo.publish();
    const result = await cli.refresh(at);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: .*not signed by the trusted keys.*snapshot was signed by 0\/1 keys/);
    expect(result.stderr).not.toMatch(/root\.json/);
  });

  it('still remembers the new timestamp it verified before the snapshot failed', async () => {
    repo.keys.snapshot = generateTestKey('ed25519');
    await repo.publish();
    expect((await cli.refresh(at)).code).toBe(1);
    expect(await trustedVersion('timestamp')).toBe(2);
    expect((await readdir(join(work, 'tuf-metadata'))).sort()).toEqual(['root.json', 'timestamp.json']);
  });
});

describe('when the repository keeps serving expired metadata (freeze)', () => {
  it('exits 1 saying what expired', async () => {
    repo.expires = '2020-01-01T00:00:00Z';
    await repo.publish();
    const result = await cli.refresh(at);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: timestamp expired/);
  });
});

describe('when signed metadata is edited after signing', () => {
  it('exits 1 naming the role', async () => {
    const doc = JSON.parse(await readFile(join(repo.metadataDir, 'timestamp.json'), 'utf8'));
    doc.signed.expires = '2099-01-01T00:00:00Z';
    await writeFile(join(repo.metadataDir, 'timestamp.json'), JSON.stringify(doc));
    const result = await cli.refresh(at);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: .*timestamp/i);
  });
});

describe('when the snapshot served does not match what the timestamp records (mix-and-match)', () => {
  it('exits 1', async () => {
    const snapshot = join(repo.metadataDir, '1.snapshot.json');
    const doc = JSON.parse(await readFile(snapshot, 'utf8'));
    await writeFile(snapshot, JSON.stringify(doc, null, 3));
    const result = await cli.refresh(at);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: /);
  });
});

describe('when several targets are asked for and one fails', () => {
  it('stops at the first failure and does not fetch the names after it', async () => {
    for (const path of repo.targetPaths('app/app.tar')) await writeFile(path, 'tampered!\n');
    const result = await cli.download(at, ['app/app.tar', 'other.txt']);
    expect(result.code).toBe(1);
    expect(server.requests.some((p) => p.includes('other.txt'))).toBe(false);
    expect(await downloads()).toEqual([]);
  });
});

describe('when a target is signed with no sha256 or sha512 hash', () => {
  it('exits 1 instead of trusting a weak hash', async () => {
    const weak = new ModelsRepo(join(work, 'weak'), { keyKind: 'ed25519', consistentSnapshot: false, hashAlgorithms: ['md5'] });
    weak.addTarget('a.txt', Buffer.from('aaa'));
    await weak.init();
    await writeFile(join(work, 'weak-root.json'), weak.root1);
    expect((await cli.init('weak-root.json', 'weak-metadata')).code).toBe(0);
    const result = await cli.download({ metadataUrl: 'weak/metadata', targetUrl: 'weak/targets' }, ['a.txt'], 'weak-metadata');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no sha256 or sha512 hash \(only: md5\)/);
  });

  it('accepts sha512 alone', async () => {
    const strong = new ModelsRepo(join(work, 'strong'), { keyKind: 'ed25519', consistentSnapshot: true, hashAlgorithms: ['sha512'] });
    strong.addTarget('b/b.txt', Buffer.from('bbb'));
    await strong.init();
    await writeFile(join(work, 'strong-root.json'), strong.root1);
    expect((await cli.init('strong-root.json', 'strong-metadata')).code).toBe(0);
    const result = await cli.download({ metadataUrl: 'strong/metadata', targetUrl: 'strong/targets' }, ['b/b.txt'], 'strong-metadata');
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
  });
});

describe('when --metadata-url does not point at a TUF repository', () => {
  it('exits 1 and says timestamp.json is not served there', async () => {
    const result = await cli.refresh({ metadataUrl: `${server.url}/nothing-here/`, targetUrl: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/does not serve timestamp.json/);
  });
});

describe('when a target name is not signed by any trusted role', () => {
  it('exits 1 and says so', async () => {
    const result = await cli.download(at, ['not-signed.txt']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: target "not-signed.txt": no trusted role .* signs/);
  });
});

describe('when a target is signed but the server does not have it', () => {
  it('exits 1 and names the target source', async () => {
    for (const path of repo.targetPaths('other.txt')) await rm(path);
    const result = await cli.download(at, ['other.txt']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: target "other.txt": it is signed but .* does not serve it/);
  });
});

describe('when the repository server is unreachable', () => {
  it('exits 1 (not 3: tuf commands fail with 1) and names the URL', async () => {
    await server.close();
    const result = await cli.refresh(at);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`GET ${server.url}/metadata/`);
  });
});

describe('when a stored target already matches', () => {
  it('is not fetched again', async () => {
    expect((await cli.download(at, ['other.txt'])).code).toBe(0);
    const before = server.requests.filter((p) => p.startsWith('/targets/')).length;
    const again = await cli.download(at, ['other.txt']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already present');
    expect(server.requests.filter((p) => p.startsWith('/targets/')).length).toBe(before);
  });

  it('is fetched again when the stored copy was altered', async () => {
    expect((await cli.download(at, ['other.txt'])).code).toBe(0);
    await writeFile(join(work, 'downloads', 'other.txt'), 'local corruption\n');
    const again = await cli.download(at, ['other.txt']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('downloaded');
    expect(await readFile(join(work, 'downloads', 'other.txt'), 'utf8')).toBe('other\n');
    expect((await stat(join(work, 'downloads', 'other.txt'))).size).toBe(6);
  });
});
