// Test support: every command that opens a store, run in sequence against one
// real registry that needs a login (htpasswd or token auth), with credentials
// from each source `sign` honours: --username/--password-stdin, docker config
// auths, credHelpers and credsStore (docker-credential-* helpers on PATH).
// Used by test/cli/registry-auth-{htpasswd,token}.test.ts: one registry per file.
// test/cli/registry-options-everywhere.test.ts checks that this file runs every store command.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../../src/cli/run-cli.js';
import { RegistryClient } from '../../src/registry/registry-client.js';
import { staticCredentials } from '../../src/registry/credentials.js';
import { startRegistry, type RegistryServer } from './registry-server.js';
import { buildImage, pushImage } from './oci-images.js';

const USER = { username: 'ci-bot', password: 'TEST-ONLY registry password' };
const PASS = 'TEST-ONLY registry auth passphrase';

export function registryAuthSuite(auth: 'htpasswd' | 'token'): void {
  let reg: RegistryServer;
  let dir: string;
  let rootFile: string;
  let ciKey: string;
  let host: string;
  const publisher = () => join(dir, 'publisher');
  const deployer = () => join(dir, 'deployer');
  const store = () => `oci://${host}/team/app`;

  /** Credential sources, one docker config dir each (DOCKER_CONFIG). */
  type Source = 'flags' | 'auths' | 'credHelpers' | 'credsStore' | 'none';
  const env = (home: string, source: Source): Record<string, string> => ({
    SIGNET_HOME: home,
    SIGNET_PASSPHRASE: PASS,
    HOME: dir,
    DOCKER_CONFIG: join(dir, 'docker', source === 'flags' ? 'none' : source),
    PATH: `${join(dir, 'bin')}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
  });
  const cli = async (home: string, source: Source, args: string[]): Promise<CliResult> => {
    if (source !== 'flags') return runCli(args, { env: env(home, source), cwd: dir });
    return runCli([...args, '--username', USER.username, '--password-stdin'], { env: env(home, source), cwd: dir, stdin: `${USER.password}\n` });
  };
  const ok = (r: CliResult) => expect({ code: r.code, stderr: r.stderr.split('\n').filter((l) => /error/.test(l)) }).toEqual({ code: 0, stderr: [] });

  beforeAll(async () => {
    reg = await startRegistry({ auth: auth === 'htpasswd' ? { htpasswd: USER } : { token: USER } });
    host = reg.host;
    dir = await mkdtemp(join(tmpdir(), `signet-registry-auth-${auth}-`));
    const basic = Buffer.from(`${USER.username}:${USER.password}`).toString('base64');
    const helper = `#!/bin/sh\nread host\n[ "$host" = "${host}" ] || { echo "credentials not found in native keychain"; exit 1; }\necho '{"ServerURL":"'$host'","Username":"${USER.username}","Secret":"${USER.password}"}'\n`;
    await mkdir(join(dir, 'bin'), { recursive: true });
    await writeFile(join(dir, 'bin', 'docker-credential-signetauthtest'), helper, { mode: 0o755 });
    const configs: Record<string, unknown> = {
      none: {},
      auths: { auths: { [host]: { auth: basic } } },
      credHelpers: { credHelpers: { [host]: 'signetauthtest' } },
      credsStore: { credsStore: 'signetauthtest' },
    };
    for (const [name, config] of Object.entries(configs)) {
      await mkdir(join(dir, 'docker', name), { recursive: true });
      await writeFile(join(dir, 'docker', name, 'config.json'), JSON.stringify(config));
    }
    const client = new RegistryClient({ credentials: staticCredentials(USER.username, USER.password) });
    await pushImage(client, { registry: host, repository: 'team/app' }, '1.0', buildImage(`auth-${auth}-1`));
    await pushImage(client, { registry: host, repository: 'team/app' }, '2.0', buildImage(`auth-${auth}-2`));
    await client.close();
  });
  afterAll(async () => {
    await reg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  // Each step unlocks scrypt-protected keys several times: generous per-step time on a loaded 2-core machine.
  describe(`every store command against a registry with ${auth} auth`, { timeout: 180_000 }, () => {
    it('init creates the trust repository in the registry (--username, --password-stdin)', async () => {
      const init = await cli(publisher(), 'flags', ['init', store(), '--scope', 'team/app', '--json']);
      ok(init);
      rootFile = join(dir, 'root.json');
      await copyFile((JSON.parse(init.stdout) as { rootPath: string }).rootPath, rootFile);
    });

    it('fails with exit 2 naming the login when no credential source has one', async () => {
      const status = await cli(publisher(), 'none', ['status']);
      expect(status.code).toBe(2);
      expect(status.stderr).toMatch(/credentials|--username/);
    });

    it('sign, verify, list, status, timestamp and root publish read and write it with docker config auths', async () => {
      ok(await cli(publisher(), 'auths', ['sign', `${host}/team/app:1.0`, `${host}/team/app:2.0`]));
      const verify = await cli(deployer(), 'auths', ['verify', `${host}/team/app:1.0`, '--trust-repo', store(), '--root', rootFile]);
      ok(verify);
      const list = await cli(publisher(), 'auths', ['list', '--json']);
      ok(list);
      expect((JSON.parse(list.stdout) as { targets: Array<{ name: string }> }).targets.map((t) => t.name)).toEqual(expect.arrayContaining(['team/app:1.0', 'team/app:2.0']));
      ok(await cli(publisher(), 'auths', ['status', '--check']));
      ok(await cli(publisher(), 'auths', ['timestamp']));
      ok(await cli(publisher(), 'auths', ['repair']));
      const publish = await cli(publisher(), 'auths', ['root', 'publish', rootFile, '--trust-repo', store()]);
      ok(publish);
      expect(publish.stdout).toMatch(/nothing to do/);
    });

    it('delegation add, list, detached sign, show, sign and publish work with credHelpers', async () => {
      const key = await cli(publisher(), 'credHelpers', ['key', 'generate', '--role', 'app-ci', '--json']);
      ok(key);
      ciKey = (JSON.parse(key.stdout) as { keyId: string }).keyId;
      ok(await cli(publisher(), 'credHelpers', ['delegation', 'add', 'app-ci', '--key', ciKey, '--paths', 'team/app:*']));
      const list = await cli(publisher(), 'credHelpers', ['delegation', 'list', '--json']);
      ok(list);
      expect(list.stdout).toContain('app-ci');
      const file = join(dir, 'app-ci.json');
      ok(await cli(publisher(), 'credHelpers', ['sign', '--role', 'app-ci', '--detached', file, `${host}/team/app:2.0`]));
      ok(await cli(publisher(), 'credHelpers', ['delegation', 'show', file]));
      const again = await cli(publisher(), 'credHelpers', ['delegation', 'sign', file]);
      expect(again.stderr).not.toMatch(/credentials|--username/);
      ok(await cli(publisher(), 'credHelpers', ['delegation', 'publish', file]));
    });

    it('key rotate and key revoke work with credsStore', async () => {
      ok(await cli(publisher(), 'credsStore', ['key', 'rotate', 'timestamp']));
      ok(await cli(publisher(), 'credsStore', ['key', 'revoke', ciKey, '--reason', 'test']));
    });

    it('revoke and delegation remove work with credsStore', async () => {
      ok(await cli(publisher(), 'credsStore', ['revoke', `${host}/team/app:1.0`]));
      ok(await cli(publisher(), 'credsStore', ['delegation', 'remove', 'app-ci']));
      const verify = await cli(deployer(), 'credsStore', ['verify', `${host}/team/app:1.0`, '--trust-repo', store(), '--root', rootFile]);
      expect(verify.code).toBe(1);
    });

    it('bins status, bins migrate, copy, pull and bundle create work with --username and --password-stdin', async () => {
      ok(await cli(publisher(), 'flags', ['bins', 'status', store()]));
      ok(await cli(publisher(), 'flags', ['bins', 'migrate', store(), '--bins', '16']));
      ok(await cli(publisher(), 'flags', ['sign', `${host}/team/app:1.0`]));
      ok(await cli(publisher(), 'flags', ['copy', `${host}/team/app:1.0`, `${host}/mirror/app`, '--with-trust']));
      ok(await cli(deployer(), 'flags', ['pull', `${host}/team/app:1.0`, '--to', join(dir, 'pulled'), '--trust-repo', store(), '--root', rootFile]));
      // A bundle for the air gap: the trust metadata and the image, pulled with the same credentials.
      ok(await cli(deployer(), 'flags', ['bundle', 'create', '--out', join(dir, 'bundle.tar'), '--with-images', `${host}/team/app:1.0`, '--trust-repo', store(), '--root', rootFile]));
    });
  });
}
