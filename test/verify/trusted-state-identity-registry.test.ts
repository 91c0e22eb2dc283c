// Finding 1 of issue 12, registry stores (real docker-registry): the
// verifier's memory follows the trust repository, so neither the
// oci://{registry}/{repository} template filled by an attacker's mirror, nor
// localhost for 127.0.0.1, gets a fresh memory that accepts a revoked image;
// and per-image repositories under one organisation root never mix theirs.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';
import { RegistryClient } from '../../src/registry/registry-client.js';
import { startRegistry, type RegistryServer } from '../support/registry-server.js';
import { buildImage, pushImage } from '../support/oci-images.js';

let reg: RegistryServer;
let mirror: RegistryServer;
let dir: string;
const PASS = 'TEST-ONLY identity passphrase';
const cli = (home: string, args: string[]) => runCli(args, { env: { SIGNET_HOME: join(dir, home), SIGNET_PASSPHRASE: PASS, HOME: dir }, cwd: dir });

beforeAll(async () => {
  [reg, mirror] = await Promise.all([startRegistry(), startRegistry()]);
  dir = await mkdtemp(join(tmpdir(), 'signet-identity-'));
  const client = new RegistryClient();
  for (const repository of ['team/app', 'team/api', 'org/one', 'org/two']) {
    await pushImage(client, { registry: reg.host, repository }, '1.0', buildImage(`identity-${repository}`));
  }
  await client.close();
}, 300_000);
afterAll(async () => {
  await Promise.all([reg?.stop(), mirror?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** `signet init` as the owner; returns a copy of the root for deployers. */
async function initRepository(store: string, scope: string, extra: string[] = []): Promise<string> {
  const init = await cli('owner', ['init', store, '--scope', scope, '--json', ...extra]);
  expect(init.code, init.stderr).toBe(0);
  const pin = join(dir, `${scope.replace('/', '-')}-root.json`);
  await copyFile((JSON.parse(init.stdout) as { rootPath: string }).rootPath, pin);
  return pin;
}

describe('the oci://{registry}/{repository} template and an attacker mirror', () => {
  it('refuses the pre-revocation copy on a second registry and under another repository, with exit 1', { timeout: 300_000 }, async () => {
    const pin = await initRepository(`oci://${reg.host}/team/app`, 'team/app');
    expect((await cli('owner', ['sign', `${reg.host}/team/app:1.0`])).code).toBe(0);
    // The attacker needs no key: signet copy --with-trust, before the revocation.
    for (const to of [`${mirror.host}/team/app`, `${mirror.host}/evil/app`]) {
      const copy = await cli('attacker', ['copy', `${reg.host}/team/app:1.0`, to, '--with-trust', '--trust-repo', `oci://${reg.host}/team/app`, '--root', pin]);
      expect(copy.code, copy.stderr).toBe(0);
    }
    const policy = { version: 1, trust: [{ scope: 'team/*', store: 'oci://{registry}/{repository}', root: pin }] };
    for (const home of ['deploy', 'fresh']) {
      await mkdir(join(dir, home), { recursive: true });
      await writeFile(join(dir, home, 'policy.json'), JSON.stringify(policy));
    }
    expect((await cli('deploy', ['verify', `${reg.host}/team/app:1.0`])).code).toBe(0);
    const revoke = await cli('owner', ['revoke', `${reg.host}/team/app:1.0`]);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect((await cli('deploy', ['verify', `${reg.host}/team/app:1.0`])).code).toBe(1);

    const replays = [[`${mirror.host}/team/app:1.0`], [`${mirror.host}/evil/app:1.0`, '--name', 'team/app']];
    for (const args of replays) {
      // A machine that never saw the revocation accepts the copy: the attack data is valid.
      expect((await cli('fresh', ['verify', ...args])).code).toBe(0);
      const replay = await cli('deploy', ['verify', ...args]);
      expect({ args, code: replay.code }).toEqual({ args, code: 1 });
      expect(replay.stderr).toMatch(/older than what this machine already trusts/);
    }
  });
});

describe('localhost for 127.0.0.1', () => {
  it('refuses a rolled-back timestamp tag reached through the other host name, with exit 1', { timeout: 300_000 }, async () => {
    const [, port] = reg.host.split(':');
    const pin = await initRepository(`oci://${reg.host}/team/api`, 'team/api');
    expect((await cli('owner', ['sign', `${reg.host}/team/api:1.0`])).code).toBe(0);
    const trust = (host: string) => [`${host}/team/api:1.0`, '--trust-repo', `oci://${host}/team/api`, '--root', pin];
    expect((await cli('deploy-api', ['verify', ...trust(reg.host)])).code).toBe(0);
    // Someone with push rights (no keys) keeps the timestamp tag as it is now, and puts it back after the revocation.
    const client = new RegistryClient();
    const repo = { registry: reg.host, repository: 'team/api' };
    const saved = await client.getManifest({ ...repo, tag: 'signet.timestamp.json' });
    expect((await cli('owner', ['revoke', `${reg.host}/team/api:1.0`])).code).toBe(0);
    expect((await cli('deploy-api', ['verify', ...trust(reg.host)])).code).toBe(1);
    await client.pushManifest(repo, 'signet.timestamp.json', saved.bytes, saved.mediaType);
    await client.close();

    expect((await cli('fresh-api', ['verify', ...trust(`localhost:${port}`)])).code).toBe(0);
    const replay = await cli('deploy-api', ['verify', ...trust(`localhost:${port}`)]);
    expect(replay.code).toBe(1);
    expect(replay.stderr).toMatch(/older than what this machine already trusts/);
  });
});

describe('per-image repositories under one organisation root', () => {
  it('keep separate memories, while a mirror of one shares its memory', { timeout: 300_000 }, async () => {
    const pin = await initRepository(`oci://${reg.host}/org/one`, 'org/one');
    await initRepository(`oci://${reg.host}/org/two`, 'org/two', ['--root-file', pin]);
    // org/one moves further ahead than org/two: mixed memories would call org/two a rollback.
    for (let i = 0; i < 2; i++) expect((await cli('owner', ['sign', `${reg.host}/org/one:1.0`])).code).toBe(0);
    expect((await cli('owner', ['sign', `${reg.host}/org/two:1.0`])).code).toBe(0);
    const trust = (host: string, repository: string) => [`${host}/${repository}:1.0`, '--trust-repo', `oci://${host}/${repository}`, '--root', pin];
    expect((await cli('deploy-org', ['verify', ...trust(reg.host, 'org/one')])).code).toBe(0);
    const two = await cli('deploy-org', ['verify', ...trust(reg.host, 'org/two')]);
    expect({ code: two.code, stderr: two.stderr }).toEqual({ code: 0, stderr: '' });

    const copy = await cli('attacker', ['copy', `${reg.host}/org/one:1.0`, `${mirror.host}/org/one`, '--with-trust', '--trust-repo', `oci://${reg.host}/org/one`, '--root', pin]);
    expect(copy.code, copy.stderr).toBe(0);
    expect((await cli('owner', ['revoke', `${reg.host}/org/one:1.0`])).code).toBe(0);
    expect((await cli('deploy-org', ['verify', ...trust(reg.host, 'org/one')])).code).toBe(1);
    const replay = await cli('deploy-org', ['verify', ...trust(mirror.host, 'org/one')]);
    expect(replay.code).toBe(1);
    expect(replay.stderr).toMatch(/older than what this machine already trusts/);
    expect((await cli('deploy-org', ['verify', ...trust(reg.host, 'org/two')])).code).toBe(0);
  });
});
