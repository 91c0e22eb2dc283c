// The distribution client against the real registry (Debian docker-registry) on 127.0.0.1.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '../../src/registry/registry-client.js';
import { staticCredentials, DockerConfigCredentials } from '../../src/registry/credentials.js';
import { startRegistry, skopeoCopy, type RegistryServer } from '../support/registry-server.js';
import { buildImage, pushImage, writeImage } from '../support/oci-images.js';
import { ociDigest } from '../../src/metadata/digest.js';
import { childManifests } from '../../src/image/manifest.js';
import { caught } from '../support/caught.js';

const USER = { username: 'ci-bot', password: 'TEST-ONLY-password' };

describe('against an anonymous registry', () => {
  let reg: RegistryServer;
  let client: RegistryClient;
  const image = buildImage('anon', ['amd64', 'arm64']);

  beforeAll(async () => {
    reg = await startRegistry();
    client = new RegistryClient();
    await pushImage(client, { registry: reg.host, repository: 'team/app' }, 'v1', image);
  });
  afterAll(async () => {
    await client?.close();
    await reg?.stop();
  });

  it('pings /v2/', async () => {
    await client.ping(reg.host);
  });

  it('resolves a tag to the index it points at, hashed over the bytes received', async () => {
    const manifest = await client.getManifest({ registry: reg.host, repository: 'team/app', tag: 'v1' });
    expect(manifest.digest).toBe(image.descriptor.digest);
    expect(ociDigest(manifest.bytes)).toBe(manifest.digest);
    expect(manifest.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(childManifests(manifest)).toHaveLength(2);
  });

  it('fetches a platform manifest by digest', async () => {
    const child = childManifests(await client.getManifest({ registry: reg.host, repository: 'team/app', tag: 'v1' }))[0]!;
    const manifest = await client.getManifest({ registry: reg.host, repository: 'team/app', digest: child.digest });
    expect(manifest.digest).toBe(child.digest);
  });

  it('reports what HEAD claims, and nothing for an unknown tag', async () => {
    expect(await client.headManifest({ registry: reg.host, repository: 'team/app', reference: 'v1' })).toMatchObject({ digest: image.descriptor.digest, size: image.descriptor.size });
    expect(await client.headManifest({ registry: reg.host, repository: 'team/app', reference: 'nope' })).toBeUndefined();
  });

  it('names an unknown tag as not found (exit 2), not as unreachable', async () => {
    const error = await caught(client.getManifest({ registry: reg.host, repository: 'team/app', tag: 'missing' }));
    expect(error.code).toBe('not-found');
    expect(error.message).toMatch(/MANIFEST_UNKNOWN/);
  });

  it('streams a blob and checks its digest and size', async () => {
    const [digest, bytes] = [...image.blobs].find(([, b]) => b[0] === 0x1f)!;
    const chunks: Buffer[] = [];
    await client.fetchBlob({ registry: reg.host, repository: 'team/app' }, { digest, size: bytes.length }, (c) => void chunks.push(c));
    expect(Buffer.concat(chunks).equals(Buffer.from(bytes))).toBe(true);
  });

  it('refuses a blob whose expected size is wrong', async () => {
    const [digest, bytes] = [...image.blobs].find(([, b]) => b[0] === 0x1f)!;
    const error = await caught(client.fetchBlob({ registry: reg.host, repository: 'team/app' }, { digest, size: bytes.length - 1 }, () => undefined));
    expect(error.kind).toBe('invalid');
  });

  it('lists tags across pages (Link rel=next)', async () => {
    const repo = { registry: reg.host, repository: 'team/paged' };
    const small = buildImage('paged');
    for (const tag of ['a', 'b', 'c', 'd', 'e']) await pushImage(client, repo, tag, small);
    expect((await client.listTags(repo, 2)).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('reads an image pushed by skopeo with the digests preserved', async () => {
    const dir = await fs.mkdtemp(join(tmpdir(), 'signet-layout-'));
    try {
      const pushed = buildImage('skopeo', ['amd64', 'arm64']);
      await writeImage(dir, 'v2', pushed);
      await skopeoCopy(dir, 'v2', `${reg.host}/team/skopeo:v2`, { all: true });
      const manifest = await client.getManifest({ registry: reg.host, repository: 'team/skopeo', tag: 'v2' });
      expect(manifest.digest).toBe(pushed.descriptor.digest);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('against a registry with htpasswd basic auth', () => {
  let reg: RegistryServer;
  let home: string;
  const image = buildImage('basic');

  beforeAll(async () => {
    reg = await startRegistry({ auth: { htpasswd: USER } });
    home = await fs.mkdtemp(join(tmpdir(), 'signet-docker-config-'));
    const client = new RegistryClient({ credentials: staticCredentials(USER.username, USER.password) });
    await pushImage(client, { registry: reg.host, repository: 'team/app' }, 'v1', image);
    await client.close();
  });
  afterAll(async () => {
    await reg?.stop();
    await fs.rm(home, { recursive: true, force: true });
  });

  it('asks for credentials when none are given (exit 2)', async () => {
    const client = new RegistryClient();
    const error = await caught(client.getManifest({ registry: reg.host, repository: 'team/app', tag: 'v1' }));
    expect(error).toMatchObject({ kind: 'usage', code: 'registry-auth' });
    expect(error.message).toMatch(/--password-stdin/);
  });

  it('refuses a wrong password without printing it', async () => {
    const client = new RegistryClient({ credentials: staticCredentials(USER.username, 'wrong-secret') });
    const error = await caught(client.getManifest({ registry: reg.host, repository: 'team/app', tag: 'v1' }));
    expect(error.kind).toBe('usage');
    expect(error.message).not.toMatch(/wrong-secret/);
  });

  it('reads credentials from docker config auths', async () => {
    const path = join(home, 'config.json');
    await fs.writeFile(path, JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from(`${USER.username}:${USER.password}`).toString('base64') } } }));
    const client = new RegistryClient({ credentials: new DockerConfigCredentials(path) });
    expect((await client.getManifest({ registry: reg.host, repository: 'team/app', tag: 'v1' })).digest).toBe(image.descriptor.digest);
  });

  it('asks a docker-credential helper named in credHelpers', async () => {
    const bin = join(home, 'bin');
    await fs.mkdir(bin, { recursive: true });
    const helper = join(bin, 'docker-credential-signettest');
    await fs.writeFile(helper, `#!/bin/sh\nread host\n[ "$host" = "${reg.host}" ] || { echo "credentials not found in native keychain"; exit 1; }\necho '{"ServerURL":"'$host'","Username":"${USER.username}","Secret":"${USER.password}"}'\n`, { mode: 0o755 });
    const path = join(home, 'helper-config.json');
    await fs.writeFile(path, JSON.stringify({ credHelpers: { [reg.host]: 'signettest' } }));
    const client = new RegistryClient({ credentials: new DockerConfigCredentials(path, { env: { PATH: `${bin}:/usr/bin:/bin` } }) });
    expect((await client.getManifest({ registry: reg.host, repository: 'team/app', tag: 'v1' })).digest).toBe(image.descriptor.digest);
  });
});

describe('against a registry with token auth', () => {
  let reg: RegistryServer;
  const image = buildImage('token');

  beforeAll(async () => {
    reg = await startRegistry({ auth: { token: USER } });
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('answers the bearer challenge, pushes and pulls, and caches one token per scope', async () => {
    const client = new RegistryClient({ credentials: staticCredentials(USER.username, USER.password) });
    await pushImage(client, { registry: reg.host, repository: 'team/app' }, 'v1', image);
    const before = reg.issuer!.requests.length;
    for (let i = 0; i < 3; i++) {
      expect((await client.getManifest({ registry: reg.host, repository: 'team/app', tag: 'v1' })).digest).toBe(image.descriptor.digest);
    }
    const pulls = reg.issuer!.requests.slice(before);
    expect(pulls).toEqual([{ scope: ['repository:team/app:pull'], authorized: true }]);
    await client.close();
  });

  it('says the credentials were refused when the issuer says no', async () => {
    const client = new RegistryClient({ credentials: staticCredentials(USER.username, 'nope') });
    const error = await caught(client.getManifest({ registry: reg.host, repository: 'team/app', tag: 'v1' }));
    expect(error).toMatchObject({ kind: 'usage', code: 'registry-denied' });
  });
});

describe('when the registry is not running', () => {
  it('says it could not be reached (exit 3)', async () => {
    const reg = await startRegistry();
    await reg.stop();
    const client = new RegistryClient();
    const error = await caught(client.getManifest({ registry: reg.host, repository: 'team/app', tag: 'v1' }));
    expect(error).toMatchObject({ kind: 'inconclusive', code: 'registry-unreachable' });
    expect(error.message).toMatch(/could not reach the registry at 127\.0\.0\.1:\d+/);
  });
});
