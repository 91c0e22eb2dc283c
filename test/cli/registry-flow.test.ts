// The "done when", tried as a new user would against the real
// registry: push, sign, verify, re-point the tag (exit 1), stop the registry
// (exit 3), and pull a signed two-platform image into a valid OCI layout.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { run, skopeoCopy, startRegistry, type RegistryServer } from '../support/registry-server.js';
import { buildImage, pushImage, writeImage } from '../support/oci-images.js';
import { RegistryClient } from '../../src/registry/registry-client.js';
import { staticCredentials } from '../../src/registry/credentials.js';
import { OciLayout } from '../../src/image/oci-layout.js';
import { childManifests, type Manifest } from '../../src/image/manifest.js';
import { LIMITS } from '../../src/limits.js';
import { runCli } from '../../src/cli/run-cli.js';

const USER = { username: 'release-bot', password: 'TEST-ONLY-registry-password' };

let s: SignetEnv;
beforeEach(async () => {
  s = await makeSignetEnv();
});
afterEach(async () => {
  await s.cleanup();
});

async function initTrust(scope = 'team/app'): Promise<void> {
  const init = await s.cli(['init', join(s.dir, 'trust'), '--scope', scope]);
  expect(init.code, init.stderr).toBe(0);
}

/** Every manifest and blob of the layout's `tag` is present and hashes to its digest. */
async function checkLayout(dir: string, tag: string): Promise<Manifest> {
  const layout = new OciLayout(dir);
  const top = await layout.getManifest({ kind: 'oci-layout', dir, name: 'x', text: dir, tag });
  const manifests = [top, ...(await Promise.all(childManifests(top).map(async (d) => ({ ...d, bytes: await layout.readBlob(d.digest, d.size, LIMITS.manifestBytes) }))))];
  for (const m of manifests.slice(1)) {
    const doc = JSON.parse(Buffer.from(m.bytes).toString('utf8'));
    for (const d of [doc.config, ...doc.layers]) await layout.readBlob(d.digest, d.size, 1024 * 1024);
  }
  return top;
}

describe('signet on a real registry', () => {
  let reg: RegistryServer;
  const image = buildImage('release', ['amd64', 'arm64']);
  const other = buildImage('intruder');

  beforeAll(async () => {
    reg = await startRegistry();
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('signs, verifies, catches a re-pointed tag (exit 1), and reports a stopped registry (exit 3)', async () => {
    const repo = `${reg.host}/team/app`;
    const layout = join(s.dir, 'push');
    await writeImage(layout, 'v1', image);
    await skopeoCopy(layout, 'v1', `${repo}:v1`, { all: true });
    await initTrust();

    const sign = await s.cli(['sign', `${repo}:v1`]);
    expect(sign.code, sign.stderr).toBe(0);
    expect(sign.stdout).toContain(image.descriptor.digest);

    const verify = await s.cli(['verify', `${repo}:v1`]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toBe(`${repo}@${image.descriptor.digest}\n`);

    // Each platform manifest was signed as a digest target, and verifies by digest.
    const child = childManifests({ ...image.descriptor, bytes: image.manifestBytes })[1]!;
    const byDigest = await s.cli(['verify', `${repo}@${child.digest}`]);
    expect(byDigest.code, byDigest.stderr).toBe(0);

    // A tag that is not in the registry is nothing to deploy: exit 1, and a result of its own in --json.
    const missing = await s.cli(['verify', '--json', `${repo}:v1`, `${repo}:no-such-tag`]);
    expect(missing.code, missing.stderr).toBe(1);
    const results = (JSON.parse(missing.stdout) as { results: Array<{ ok: boolean; error?: { code: string } }> }).results;
    expect(results.map((r) => r.ok)).toEqual([true, false]);
    expect(results[1]!.error!.code).toBe('image-not-found');

    // Someone re-points the tag at another manifest in the registry.
    const client = new RegistryClient();
    await pushImage(client, { registry: reg.host, repository: 'team/app' }, 'v1', other);
    await client.close();
    const tampered = await s.cli(['verify', `${repo}:v1`]);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain(image.descriptor.digest.slice('sha256:'.length));
    expect(tampered.stderr).toContain(`found ${other.descriptor.digest}`);

    await reg.kill();
    const down = await s.cli(['verify', `${repo}:v1`]);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/could not reach the registry at 127\.0\.0\.1:\d+/);
  });
});

describe('signet pull', () => {
  let reg: RegistryServer;
  const image = buildImage('pulled', ['amd64', 'arm64']);

  beforeAll(async () => {
    reg = await startRegistry();
    const client = new RegistryClient();
    await pushImage(client, { registry: reg.host, repository: 'team/app' }, 'v1', image);
    await pushImage(client, { registry: reg.host, repository: 'team/app' }, 'unsigned', buildImage('unsigned'));
    await client.close();
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('copies a signed two-platform image into a valid OCI layout', async () => {
    await initTrust();
    expect((await s.cli(['sign', `${reg.host}/team/app:v1`])).code).toBe(0);
    const to = join(s.dir, 'pulled');
    const pull = await s.cli(['pull', `${reg.host}/team/app:v1`, '--to', to]);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toBe(`${reg.host}/team/app@${image.descriptor.digest}\n`);
    const top = await checkLayout(to, 'v1');
    expect(top.digest).toBe(image.descriptor.digest);
    // skopeo (containers/image) reads it as an OCI layout too.
    const raw = await run('/usr/bin/skopeo', ['inspect', '--raw', `oci:${to}:v1`]);
    expect(raw).toBe(Buffer.from(image.manifestBytes).toString('utf8'));
    // And signet verifies the pulled layout against the same trust repository.
    const again = await s.cli(['verify', `oci-layout:${to}:v1`, '--name', 'team/app']);
    expect(again.code, again.stderr).toBe(0);
    // The bytes it reports are every config and layer blob it downloaded (four workers add up, none lost).
    const json = await s.cli(['pull', `${reg.host}/team/app:v1`, '--to', join(s.dir, 'counted'), '--json']);
    expect(json.code, json.stderr).toBe(0);
    const blobDir = join(s.dir, 'counted', 'blobs', 'sha256');
    const sizes = await Promise.all((await fs.readdir(blobDir)).map(async (f) => (await fs.stat(join(blobDir, f))).size));
    const manifestBytes = image.manifestBytes.length + childManifests({ ...image.descriptor, bytes: image.manifestBytes }).reduce((n, c) => n + c.size, 0);
    expect((JSON.parse(json.stdout) as { bytes: number }).bytes).toBe(sizes.reduce((a, b) => a + b, 0) - manifestBytes);
    // Progress on a terminal only: a bar on a TTY stderr, nothing of it in CI (the runs above).
    expect(json.stderr).not.toContain('pulling blobs');
    const tty = await runCli(['pull', `${reg.host}/team/app:v1`, '--to', join(s.dir, 'on-a-tty')], { env: s.env, cwd: s.dir, stderrIsTTY: true });
    expect(tty.code, tty.stderr).toBe(0);
    expect(tty.stderr).toMatch(/pulling blobs \[.*\] \d+\/\d+/);
  });

  it('adds to an existing layout, reusing blobs that are already there and intact', async () => {
    await initTrust();
    expect((await s.cli(['sign', `${reg.host}/team/app:v1`])).code).toBe(0);
    const to = join(s.dir, 'twice');
    expect((await s.cli(['pull', `${reg.host}/team/app:v1`, '--to', to])).code).toBe(0);
    const again = await s.cli(['pull', `${reg.host}/team/app:v1`, '--to', to, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ digest: image.descriptor.digest, bytes: 0 });
    await checkLayout(to, 'v1');
  });

  it('refuses an unsigned image before writing anything', async () => {
    await initTrust();
    const to = join(s.dir, 'never');
    const pull = await s.cli(['pull', `${reg.host}/team/app:unsigned`, '--to', to]);
    expect(pull.code).toBe(1);
    await expect(fs.stat(to)).rejects.toThrow();
  });

  it('leaves nothing behind when a layer in the registry is corrupted', async () => {
    await initTrust();
    expect((await s.cli(['sign', `${reg.host}/team/app:v1`])).code).toBe(0);
    // Corrupt one layer in the registry's own storage (same size, other bytes).
    const [digest, bytes] = [...image.blobs].find(([, b]) => b[0] === 0x1f)!;
    const hex = digest.slice('sha256:'.length);
    const path = join(reg.dir, 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
    const original = await fs.readFile(path);
    await fs.writeFile(path, Buffer.alloc(bytes.length, 0x41));
    try {
      const to = join(s.dir, 'broken');
      const pull = await s.cli(['pull', `${reg.host}/team/app:v1`, '--to', to]);
      expect(pull.code, pull.stderr).toBe(1);
      expect(pull.stderr).toContain(digest);
      expect((await fs.readdir(s.dir)).filter((n) => n.includes('broken'))).toEqual([]);
    } finally {
      await fs.writeFile(path, original);
    }
  });
});

describe('signet on a registry that needs credentials', () => {
  let reg: RegistryServer;
  const image = buildImage('private');

  beforeAll(async () => {
    reg = await startRegistry({ auth: { htpasswd: USER } });
    const client = new RegistryClient({ credentials: staticCredentials(USER.username, USER.password) });
    for (const tag of ['1.0', '1.1', '2.0']) await pushImage(client, { registry: reg.host, repository: 'team/app' }, tag, image);
    await client.close();
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('signs every tag with --all-tags using --username/--password-stdin, and lists them by registry name', async () => {
    await initTrust();
    const sign = await s.cli(['sign', '--all-tags', `${reg.host}/team/app`, '--username', USER.username, '--password-stdin'], { stdin: `${USER.password}\n` });
    expect(sign.code, sign.stderr).toBe(0);
    expect(sign.stdout + sign.stderr).not.toContain(USER.password);
    const list = await s.cli(['list', `${reg.host}/team/app:`]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.split('\n').filter((l) => l.startsWith('team/app:')).map((l) => l.split('\t')[0])).toEqual(['team/app:1.0', 'team/app:1.1', 'team/app:2.0']);
  });

  it('takes credentials from DOCKER_CONFIG', async () => {
    await initTrust();
    const docker = join(s.dir, 'docker');
    await fs.mkdir(docker);
    await fs.writeFile(join(docker, 'config.json'), JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from(`${USER.username}:${USER.password}`).toString('base64') } } }));
    const sign = await s.cli(['sign', `${reg.host}/team/app:1.0`], { env: { DOCKER_CONFIG: docker } });
    expect(sign.code, sign.stderr).toBe(0);
    const verify = await s.cli(['verify', `${reg.host}/team/app:1.0`], { env: { DOCKER_CONFIG: docker } });
    expect(verify.code, verify.stderr).toBe(0);
  });

  it('exits 2 and says how to log in when no credentials are given', async () => {
    await initTrust();
    const sign = await s.cli(['sign', `${reg.host}/team/app:1.0`], { env: { DOCKER_CONFIG: join(s.dir, 'nowhere') } });
    expect(sign.code).toBe(2);
    expect(sign.stderr).toMatch(/needs credentials.*--password-stdin/);
  });
});

describe('signet on a registry with token auth', () => {
  let reg: RegistryServer;
  const image = buildImage('tokened', ['amd64', 'arm64']);

  beforeAll(async () => {
    reg = await startRegistry({ auth: { token: USER } });
    const client = new RegistryClient({ credentials: staticCredentials(USER.username, USER.password) });
    await pushImage(client, { registry: reg.host, repository: 'team/app' }, 'v1', image);
    await client.close();
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('signs, verifies and pulls through the bearer challenge', async () => {
    await initTrust();
    const login = ['--username', USER.username, '--password-stdin'];
    const stdin = `${USER.password}\n`;
    expect((await s.cli(['sign', `${reg.host}/team/app:v1`, ...login], { stdin })).code).toBe(0);
    const verify = await s.cli(['verify', `${reg.host}/team/app:v1`, ...login], { stdin });
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toBe(`${reg.host}/team/app@${image.descriptor.digest}\n`);
    const pull = await s.cli(['pull', `${reg.host}/team/app:v1`, '--to', join(s.dir, 'out'), ...login], { stdin });
    expect(pull.code, pull.stderr).toBe(0);
    await checkLayout(join(s.dir, 'out'), 'v1');
  });
});

describe('the README registry examples', () => {
  let reg: RegistryServer;

  beforeAll(async () => {
    reg = await startRegistry();
    const client = new RegistryClient();
    await pushImage(client, { registry: reg.host, repository: 'team/app' }, '1.2.3', buildImage('readme', ['amd64', 'arm64']));
    await client.close();
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('run as written (with the registry on its test port)', async () => {
    const readme = await fs.readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Images in a registry'));
    const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
    const commands = block
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter((line) => line.startsWith('signet '))
      .map((line) => line.slice('signet '.length).replaceAll('127.0.0.1:5000', reg.host).split(/\s+/));
    expect(commands.map((c) => c[0])).toEqual(['sign', 'sign', 'verify', 'pull']);
    await initTrust();
    for (const args of commands) {
      const result = await s.cli(args);
      expect(result.code, `signet ${args.join(' ')}\n${result.stderr}`).toBe(0);
    }
    await checkLayout(join(s.dir, 'app-layout'), '1.2.3');
  });
});
