// The Notary migration as a user runs it: the real `notary` CLI signs two tags
// of an image (one through a targets/releases delegation) on the real
// notary-server; `signet verify --notary` verifies them; `signet migrate
// notary` imports them; plain `signet verify` then passes for every tag.

import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OciLayout } from '../../src/image/oci-layout.js';
import { parseLayoutReference } from '../../src/image/image-reference.js';
import { addToLayout, sampleManifest } from '../../src/image/sample-images.js';
import { buildCollection, copyCollection, type BuiltCollection, type PublishedTag } from '../support/notary-collection.js';
import { notaryCli, startNotaryServer, type NotaryCli, type NotaryServer } from '../support/notary-server.js';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

const GUN = '127.0.0.1:5000/team/app';

async function layoutTag(layout: string, tag: string): Promise<PublishedTag> {
  const manifest = await new OciLayout(layout).getManifest(parseLayoutReference(`oci-layout:${layout}:${tag}`));
  return { tag, sha256: manifest.digest.slice('sha256:'.length), size: manifest.bytes.length };
}

describe('signet migrate notary and signet verify --notary', () => {
  let server: NotaryServer;
  let cli: NotaryCli;
  let built: BuiltCollection;
  let s: SignetEnv;
  let notaryFlags: string[];

  beforeAll(async () => {
    server = await startNotaryServer();
    cli = await notaryCli(server);
    // Every test's layout holds the same deterministic images, so one collection serves all.
    const probe = await makeSignetEnv();
    const v1 = await layoutTag(probe.layout, '1.0');
    const v2 = await layoutTag(probe.layout, '2.0');
    await probe.cleanup();
    built = await buildCollection(cli, GUN, { targets: [v1], releases: [v2], serverSnapshot: true });
    notaryFlags = ['--tls-ca', server.caFile, '--root-key-id', built.rootKeyId];
  }, 120_000);
  afterAll(async () => {
    await cli?.cleanup();
    await server?.stop();
  });
  beforeEach(async () => {
    s = await makeSignetEnv();
  });
  afterEach(async () => {
    await s.cleanup();
  });

  it('verifies notary-signed tags, migrates them, and the migrated tags verify with signet alone', async () => {
    const direct = await s.cli(['verify', '--notary', server.url, ...notaryFlags, '--gun', GUN, '--name', 'team/app', s.ref('1.0'), s.ref('2.0')]);
    expect(direct.code, direct.stderr).toBe(0);
    expect(direct.stdout).toMatch(/^team\/app@sha256:[0-9a-f]{64}\nteam\/app@sha256:[0-9a-f]{64}\n$/);

    const init = await s.cli(['init', join(s.dir, 'trust'), '--scope', 'team/app']);
    expect(init.code, init.stderr).toBe(0);

    const plan = await s.cli(['migrate', 'notary', GUN, '--server', server.url, ...notaryFlags, '--dry-run']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/^would import\tteam\/app:1\.0\tsha256:[0-9a-f]{64}\t\d+\ttargets$/m);
    expect(plan.stdout).toMatch(/^would import\tteam\/app:2\.0\tsha256:[0-9a-f]{64}\t\d+\ttargets\/releases$/m);
    expect(plan.stdout).toContain('registry check: skipped');
    expect(plan.stderr).toContain('were not compared with the registry');
    const before = await s.cli(['verify', s.ref('1.0'), '--name', 'team/app']);
    expect(before.code).toBe(1);

    const migrate = await s.cli(['migrate', 'notary', GUN, '--server', server.url, ...notaryFlags, '--check-image', `oci-layout:${s.layout}`, '--json']);
    expect(migrate.code, migrate.stderr).toBe(0);
    const report = JSON.parse(migrate.stdout);
    expect(report.plan.registryCheck).toBe('checked');
    // Tag + digest targets for both tags, plus the two platform manifests of the 2.0 index.
    expect(report.result.imported).toHaveLength(6);

    const after = await s.cli(['verify', s.ref('1.0'), s.ref('2.0'), '--name', 'team/app', '--json']);
    expect(after.code, after.stderr).toBe(0);
    const results = JSON.parse(after.stdout).results as Array<{ custom: { notary: { role: string; gun: string } } }>;
    expect(results.map((r) => r.custom.notary.role)).toEqual(['targets', 'targets/releases']);
    expect(results[0]!.custom.notary.gun).toBe(GUN);
    const index = JSON.parse((await s.cli(['verify', s.ref('2.0'), '--name', 'team/app', '--json'])).stdout).results[0] as { custom: { manifests: Array<{ digest: string }> } };
    const list = JSON.parse((await s.cli(['list', 'team/app', '--json'])).stdout) as { targets: Array<{ name: string }> };
    for (const child of index.custom.manifests) expect(list.targets.map((t) => t.name)).toContain(`team/app@${child.digest}`);
  }, 60_000);

  it('migrates from the notary CLI trust directory too', async () => {
    await s.cli(['init', join(s.dir, 'trust'), '--scope', 'team/app']);
    const migrate = await s.cli(['migrate', 'notary', GUN, '--trust-dir', cli.trustDir, '--root-key-id', built.rootKeyId]);
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(migrate.stdout).toContain('4 target(s) signed into');
    const after = await s.cli(['verify', s.ref('2.0'), '--name', 'team/app']);
    expect(after.code, after.stderr).toBe(0);
  }, 60_000);

  it('signs the migrated tags into a delegated role with --role', async () => {
    await s.cli(['init', join(s.dir, 'trust'), '--scope', 'team/app']);
    const key = JSON.parse((await s.cli(['key', 'generate', '--role', 'notary-import', '--json'])).stdout) as { keyId: string };
    const delegate = await s.cli(['delegation', 'add', 'notary-import', '--key', key.keyId, '--paths', 'team/app:*']);
    expect(delegate.code, delegate.stderr).toBe(0);
    const migrate = await s.cli(['migrate', 'notary', GUN, '--server', server.url, ...notaryFlags, '--role', 'notary-import']);
    expect(migrate.code, migrate.stderr).toBe(0);
    const list = await s.cli(['list', 'team/app']);
    expect(list.stdout).toMatch(/^team\/app:1\.0\tsha256:[0-9a-f]{64}\t\d+\tnotary-import$/m);
    const verify = await s.cli(['verify', s.ref('1.0'), s.ref('2.0'), '--name', 'team/app']);
    expect(verify.code, verify.stderr).toBe(0);
  }, 60_000);

  describe('when an image changed after Notary signed its tag', () => {
    it('reports the tag, does not import it, and exits 1', async () => {
      await s.cli(['init', join(s.dir, 'trust'), '--scope', 'team/app']);
      await addToLayout(s.layout, '1.0', sampleManifest('replaced after signing'));
      const migrate = await s.cli(['migrate', 'notary', GUN, '--server', server.url, ...notaryFlags, '--check-image', `oci-layout:${s.layout}`]);
      expect(migrate.code).toBe(1);
      expect(migrate.stderr).toMatch(/not imported: team\/app:1\.0: the registry now serves sha256:[0-9a-f]{64}/);
      expect(migrate.stdout).toMatch(/^imported\tteam\/app:2\.0/m);
      const verify = await s.cli(['verify', s.ref('1.0'), '--name', 'team/app']);
      expect(verify.code).toBe(1);
      expect(verify.stderr).toContain('team/app:1.0 is not signed');
      const direct = await s.cli(['verify', '--notary', server.url, ...notaryFlags, '--gun', GUN, s.ref('1.0')]);
      expect(direct.code).toBe(1);
      expect(direct.stderr).toContain('does not match its Notary signature');
    });
  });

  it('trusts the Notary server through --ca-file too (the registry CA option), and refuses it without', async () => {
    const base = ['verify', '--notary', server.url, '--root-key-id', built.rootKeyId, '--gun', GUN, '--name', 'team/app', s.ref('1.0')];
    const withCa = await s.cli([...base, '--ca-file', server.caFile]);
    expect(withCa.code, withCa.stderr).toBe(0);
    const without = await s.cli(base);
    expect(without.code).toBe(3);
    expect(without.stderr).toContain('--tls-ca');
  });

  describe('when the root is not pinned', () => {
    it('refuses with exit 2 and says how to pin', async () => {
      const migrate = await s.cli(['migrate', 'notary', GUN, '--server', server.url, '--tls-ca', server.caFile, '--dry-run']);
      expect(migrate.code).toBe(2);
      expect(migrate.stderr).toContain('--root-key-id');
    });
  });

  describe('when the pin names another root key', () => {
    it('refuses with exit 1', async () => {
      const verify = await s.cli(['verify', '--notary', server.url, '--tls-ca', server.caFile, '--root-key-id', 'a'.repeat(64), '--gun', GUN, s.ref('1.0')]);
      expect(verify.code).toBe(1);
      expect(verify.stderr).toContain('none of which matches the pin');
    });
  });

  describe('when a Notary source rolls back to older metadata than verified before', () => {
    it('refuses it on the next run with exit 1', async () => {
      const gun = '127.0.0.1:5000/team/rollback';
      const v1 = await layoutTag(s.layout, '1.0');
      const rolled = await buildCollection(cli, gun, { targets: [v1] });
      const stale = await copyCollection(cli.trustDir, gun);
      await cli.run('addhash', gun, '9.9', '1', '--sha256', 'f'.repeat(64));
      await cli.run('publish', gun);
      const flags = ['--gun', gun, '--root-key-id', rolled.rootKeyId, s.ref('1.0')];
      const fresh = await s.cli(['verify', '--notary', server.url, '--tls-ca', server.caFile, ...flags]);
      expect(fresh.code, fresh.stderr).toBe(0);
      const old = await s.cli(['verify', '--trust-dir', stale, ...flags]);
      await rm(stale, { recursive: true, force: true });
      expect(old.code).toBe(1);
      expect(old.stderr).toMatch(/timestamp of 127\.0\.0\.1:5000\/team\/rollback is version \d+, older than the version \d+ trusted before \(rollback\)/);
    });
  });

  it('reads the CA file it is given (sanity of the fixture)', async () => {
    expect((await readFile(server.caFile, 'utf8')).startsWith('-----BEGIN CERTIFICATE-----')).toBe(true);
  });
});
