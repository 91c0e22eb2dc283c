// Issue 14 item 2: the recommended policy store template oci://{registry}/{repository}
// works in list, status and timestamp, which name the image with --image (or, for
// list, a prefix that carries the registry); without it they say which flag to add.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';
import { RegistryClient } from '../../src/registry/registry-client.js';
import { startRegistry, type RegistryServer } from '../support/registry-server.js';
import { buildImage, pushImage, type BuiltImage } from '../support/oci-images.js';

let reg: RegistryServer;
let dir: string;
let image: BuiltImage;
const PASS = 'TEST-ONLY policy template passphrase';
const cli = (home: string, args: string[]) => runCli(args, { env: { SIGNET_HOME: join(dir, home), SIGNET_PASSPHRASE: PASS, HOME: dir }, cwd: dir });

beforeAll(async () => {
  reg = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'signet-policy-template-'));
  image = buildImage('policy-template');
  const client = new RegistryClient();
  await pushImage(client, { registry: reg.host, repository: 'team/app' }, '1.0', image);
  await client.close();
  const init = await cli('publisher', ['init', `oci://${reg.host}/team/app`, '--json']);
  expect(init.code, init.stderr).toBe(0);
  await copyFile((JSON.parse(init.stdout) as { rootPath: string }).rootPath, join(dir, 'root.json'));
  for (const home of ['publisher', 'deployer']) {
    const add = await cli(home, ['trust', 'add', '--scope', 'team/*', '--store', 'oci://{registry}/{repository}', '--root', 'root.json']);
    expect(add.code, add.stderr).toBe(0);
  }
  const sign = await cli('publisher', ['sign', `${reg.host}/team/app:1.0`]);
  expect(sign.code, sign.stderr).toBe(0);
});
afterAll(async () => {
  await reg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a policy whose store is oci://{registry}/{repository}', () => {
  it('list fills it from a prefix with the registry, or from --image', async () => {
    const byPrefix = await cli('deployer', ['list', `${reg.host}/team/app:`]);
    expect({ code: byPrefix.code, stderr: byPrefix.stderr }).toEqual({ code: 0, stderr: '' });
    expect(byPrefix.stdout).toContain(`team/app:1.0\t${image.descriptor.digest}`);
    const byImage = await cli('deployer', ['list', '--image', `${reg.host}/team/app`, '--json']);
    expect(byImage.code, byImage.stderr).toBe(0);
    expect((JSON.parse(byImage.stdout) as { trustRepository: string }).trustRepository).toBe(`oci://${reg.host}/team/app`);
  });

  it('status --image and timestamp --image work on the repository next to the image', async () => {
    const status = await cli('deployer', ['status', '--image', `${reg.host}/team/app`, '--check']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`trust repository oci://${reg.host}/team/app`);
    const refresh = await cli('publisher', ['timestamp', '--image', `${reg.host}/team/app:1.0`]);
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(refresh.stdout).toMatch(/^refreshed timestamp v3/m);
  });

  it('without the image, list, status and timestamp exit 2 naming --image, which each of them accepts', async () => {
    for (const command of ['list', 'status', 'timestamp']) {
      const result = await cli('deployer', [command]);
      expect({ command, code: result.code }).toEqual({ command, code: 2 });
      expect(result.stderr).toContain('name the image with --image REGISTRY/REPOSITORY, e.g. --image registry.example.com/team/app');
      const help = await cli('deployer', [command, '--help']);
      expect(help.stdout).toMatch(/^\s+--image <name>/m);
    }
  });
});
