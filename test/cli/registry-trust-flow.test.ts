// Issue 7, "done when", as a new user would do it with only a distribution
// registry running: init a trust repository in the registry, sign, verify
// from a second SIGNET_HOME, copy the image (and its trust) elsewhere, verify
// the copy against the copied and against the original trust repository.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';
import { RegistryClient } from '../../src/registry/registry-client.js';
import { startRegistry, type RegistryServer } from '../support/registry-server.js';
import { buildImage, pushImage, type BuiltImage } from '../support/oci-images.js';

let reg: RegistryServer;
let mirror: RegistryServer;
let dir: string;
let image: BuiltImage;
const PASS = 'TEST-ONLY registry flow passphrase';
const homeA = () => join(dir, 'publisher-home');
const homeB = () => join(dir, 'deployer-home');
const cli = (home: string, args: string[]) => runCli(args, { env: { SIGNET_HOME: home, SIGNET_PASSPHRASE: PASS, HOME: dir }, cwd: dir });

beforeAll(async () => {
  [reg, mirror] = await Promise.all([startRegistry(), startRegistry()]);
  dir = await mkdtemp(join(tmpdir(), 'signet-registry-flow-'));
  const client = new RegistryClient();
  image = buildImage('registry-flow', ['amd64', 'arm64']);
  await pushImage(client, { registry: reg.host, repository: 'team/app' }, '1.0', image);
  await pushImage(client, { registry: reg.host, repository: 'team/app' }, 'unsigned', buildImage('never-signed'));
  await client.close();
});
afterAll(async () => {
  await Promise.all([reg?.stop(), mirror?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

describe('a trust repository kept in the registry itself', () => {
  let rootCopy: string;

  it('is created with signet init oci://… and signs a multi-platform image', async () => {
    const init = await cli(homeA(), ['init', `oci://${reg.host}/team/app`, '--scope', 'team/app', '--json']);
    expect(init.stderr).not.toMatch(/error/);
    expect(init.code).toBe(0);
    rootCopy = join(dir, 'root-for-deployers.json');
    await copyFile((JSON.parse(init.stdout) as { rootPath: string }).rootPath, rootCopy);

    const sign = await cli(homeA(), ['sign', `${reg.host}/team/app:1.0`]);
    expect(sign.stderr).not.toMatch(/error/);
    expect(sign.code).toBe(0);
    expect(sign.stdout).toContain(image.descriptor.digest);

    const tags = await new RegistryClient().listTags({ registry: reg.host, repository: 'team/app' });
    expect(tags).toEqual(expect.arrayContaining(['1.0', 'signet.timestamp.json', 'signet.1.root.json', 'signet.2.targets.json']));
  });

  it('verifies from a second SIGNET_HOME that has only the pinned root', async () => {
    const trust = ['--trust-repo', `oci://${reg.host}/team/app`, '--root', rootCopy];
    const ok = await cli(homeB(), ['verify', `${reg.host}/team/app:1.0`, ...trust]);
    expect({ code: ok.code, stderr: ok.stderr }).toEqual({ code: 0, stderr: '' });
    expect(ok.stdout.trim()).toBe(`${reg.host}/team/app@${image.descriptor.digest}`);
    const unsigned = await cli(homeB(), ['verify', `${reg.host}/team/app:unsigned`, ...trust]);
    expect(unsigned.code).toBe(1);
    expect(unsigned.stderr).toMatch(/team\/app:unsigned is not signed/);
  });

  it('copies the image and its trust to another repository; the copy verifies against either trust repository', async () => {
    const copy = await cli(homeA(), ['copy', `${reg.host}/team/app:1.0`, `${reg.host}/mirror/app`, '--with-trust', '--json']);
    expect(copy.stderr).not.toMatch(/error/);
    expect(copy.code).toBe(0);
    const report = JSON.parse(copy.stdout) as { digest: string; manifests: number; trust: { to: string; written: number } };
    expect(report.digest).toBe(image.descriptor.digest);
    expect(report.manifests).toBe(3);
    expect(report.trust.to).toBe(`oci://${reg.host}/mirror/app`);

    for (const trustRepo of [`oci://${reg.host}/mirror/app`, `oci://${reg.host}/team/app`]) {
      const verified = await cli(homeB(), ['verify', `${reg.host}/mirror/app:1.0`, '--name', 'team/app', '--trust-repo', trustRepo, '--root', rootCopy]);
      expect({ trustRepo, code: verified.code, stderr: verified.stderr }).toEqual({ trustRepo, code: 0, stderr: '' });
      expect(verified.stdout.trim()).toBe(`${reg.host}/mirror/app@${image.descriptor.digest}`);
    }
  });

  it('copies to a mirror registry under the same name; every platform verifies there with no --name', async () => {
    const copy = await cli(homeA(), ['copy', `${reg.host}/team/app:1.0`, `${mirror.host}/team/app`, '--with-trust']);
    expect(copy.code).toBe(0);
    const children = (JSON.parse(Buffer.from(image.manifestBytes).toString()) as { manifests: Array<{ digest: string }> }).manifests.map((m) => m.digest);
    const refs = [`${mirror.host}/team/app:1.0`, ...children.map((d) => `${mirror.host}/team/app@${d}`)];
    for (const trustRepo of [`oci://${mirror.host}/team/app`, `oci://${reg.host}/team/app`]) {
      const verified = await cli(homeB(), ['verify', ...refs, '--trust-repo', trustRepo, '--root', rootCopy]);
      expect({ trustRepo, code: verified.code, stderr: verified.stderr }).toEqual({ trustRepo, code: 0, stderr: '' });
    }
  });

  it('finds the trust next to the image wherever it was copied, with a policy store oci://{registry}/{repository}', async () => {
    const home = join(dir, 'template-home');
    await mkdir(home, { recursive: true });
    const policy = { version: 1, trust: [{ scope: 'team/*', store: 'oci://{registry}/{repository}', root: rootCopy }] };
    await writeFile(join(home, 'policy.json'), JSON.stringify(policy));
    for (const host of [reg.host, mirror.host]) {
      const verified = await cli(home, ['verify', `${host}/team/app:1.0`]);
      expect({ host, code: verified.code, stderr: verified.stderr }).toEqual({ host, code: 0, stderr: '' });
    }
    const copy = await cli(home, ['verify', `${reg.host}/mirror/app:1.0`, '--name', 'team/app']);
    expect({ code: copy.code, stderr: copy.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('refuses a tampered copy: a tag re-pointed on the mirror fails with exit 1', async () => {
    const client = new RegistryClient();
    await pushImage(client, { registry: mirror.host, repository: 'team/app' }, '1.0', buildImage('attacker'));
    await client.close();
    const verified = await cli(homeB(), ['verify', `${mirror.host}/team/app:1.0`, '--trust-repo', `oci://${mirror.host}/team/app`, '--root', rootCopy]);
    expect(verified.code).toBe(1);
    expect(verified.stderr).toMatch(/does not match its signature/);
  });

  it('refuses to copy trust into a repository that holds a different trust repository', async () => {
    const other = await cli(join(dir, 'other-home'), ['init', `oci://${reg.host}/other/app`]);
    expect(other.code).toBe(0);
    const copy = await cli(homeA(), ['copy', `${reg.host}/team/app:1.0`, `${reg.host}/other/app`, '--with-trust']);
    expect(copy.code).toBe(2);
    expect(copy.stderr).toMatch(/already holds a different 1\.root\.json/);
  });
});

describe('the README section "Trust metadata in the registry itself" and `signet copy --help`', () => {
  it('run as written against a fresh registry', async () => {
    const fresh = await startRegistry();
    try {
      const client = new RegistryClient();
      await pushImage(client, { registry: fresh.host, repository: 'team/app' }, '1.0', buildImage('readme'));
      await client.close();
      const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
      const section = readme.slice(readme.indexOf('## Trust metadata in the registry itself'));
      const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
      const lines = block
        .split('\n')
        .map((line) => line.replace(/\s+#.*$/, '').trim())
        .filter((line) => line.startsWith('signet '));
      expect(lines.map((l) => l.split(' ')[1])).toEqual(['init', 'sign', 'verify', 'copy', 'verify']);
      const home = join(dir, 'readme-home');
      for (const line of lines) {
        const args = line.slice('signet '.length).replaceAll('127.0.0.1:5000', fresh.host).split(/\s+/);
        const result = await cli(home, args);
        expect(result.code, `${line}\n${result.stderr}`).toBe(0);
      }
      // Then the examples of `signet copy --help`, as printed.
      const help = (await cli(home, ['copy', '--help'])).stdout;
      const examples = help.slice(help.indexOf('Examples:')).split('\n').map((l) => l.trim()).filter((l) => l.startsWith('signet '));
      expect(examples).toHaveLength(3);
      const policy = JSON.parse(await readFile(join(home, 'policy.json'), 'utf8')) as { trust: Array<{ root: string }> };
      await copyFile(policy.trust[0]!.root, join(dir, 'root.json'));
      for (const line of examples) {
        const args = line.slice('signet '.length).replaceAll('127.0.0.1:5000', fresh.host).split(/\s+/);
        const result = await cli(home, args);
        expect(result.code, `${line}\n${result.stderr}`).toBe(0);
      }
    } finally {
      await fresh.stop();
    }
  });
});

describe('copying an image whose trust repository is a directory', () => {
  it('asks where the trust copy goes, then carries it into the registry with --trust-to', async () => {
    const home = join(dir, 'dir-trust-home');
    const client = new RegistryClient();
    await pushImage(client, { registry: reg.host, repository: 'team/dirapp' }, '2.0', buildImage('dir-trust'));
    await client.close();
    expect((await cli(home, ['init', join(dir, 'dir-trust'), '--scope', 'team/dirapp'])).code).toBe(0);
    expect((await cli(home, ['sign', `${reg.host}/team/dirapp:2.0`])).code).toBe(0);
    const noDestination = await cli(home, ['copy', `${reg.host}/team/dirapp:2.0`, `${mirror.host}/team/dirapp`, '--with-trust']);
    expect(noDestination.code).toBe(2);
    expect(noDestination.stderr).toMatch(/--trust-to/);
    const copied = await cli(home, ['copy', `${reg.host}/team/dirapp:2.0`, `${mirror.host}/team/dirapp`, '--with-trust', '--trust-to', `oci://${mirror.host}/team/dirapp`]);
    expect(copied.code).toBe(0);
    const verified = await cli(home, ['verify', `${mirror.host}/team/dirapp:2.0`, '--trust-repo', `oci://${mirror.host}/team/dirapp`]);
    expect({ code: verified.code, stderr: verified.stderr }).toEqual({ code: 0, stderr: '' });
  });
});

describe('a trust repository in a registry that requires credentials', () => {
  it('is initialised, signed into and verified with --username/--password-stdin, and refused without them', async () => {
    const USER = { username: 'release-bot', password: 'TEST-ONLY-trust-registry-password' };
    const secured = await startRegistry({ auth: { htpasswd: USER } });
    try {
      const { staticCredentials } = await import('../../src/registry/credentials.js');
      const client = new RegistryClient({ credentials: staticCredentials(USER.username, USER.password) });
      await pushImage(client, { registry: secured.host, repository: 'team/app' }, '1.0', buildImage('secured'));
      await client.close();
      const home = join(dir, 'secured-home');
      const login = ['--username', USER.username, '--password-stdin'];
      const withLogin = (args: string[]) =>
        runCli([...args, ...login], { env: { SIGNET_HOME: home, SIGNET_PASSPHRASE: PASS, HOME: dir }, cwd: dir, stdin: `${USER.password}\n` });
      const init = await withLogin(['init', `oci://${secured.host}/team/app`, '--scope', 'team/app']);
      expect({ code: init.code, err: init.stderr.includes('error') }).toEqual({ code: 0, err: false });
      const sign = await withLogin(['sign', `${secured.host}/team/app:1.0`]);
      expect({ code: sign.code, err: sign.stderr.includes('error') }).toEqual({ code: 0, err: false });
      const verify = await withLogin(['verify', `${secured.host}/team/app:1.0`]);
      expect({ code: verify.code, stderr: verify.stderr }).toEqual({ code: 0, stderr: '' });
      for (const out of [init, sign, verify]) expect(out.stdout + out.stderr).not.toContain(USER.password);
      const anonymous = await cli(home, ['verify', `${secured.host}/team/app:1.0`]);
      expect(anonymous.code).toBe(2);
    } finally {
      await secured.stop();
    }
  });
});
