// Docker Content Trust's real shape: images in a registry (the real
// docker-registry, pushed with skopeo), their tags signed with the real notary
// CLI under the GUN <registry>/<repository>. signet verifies registry images
// against Notary, migrates while checking each tag against the registry, and
// refuses the tag that was moved after signing.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OciLayout } from '../../src/image/oci-layout.js';
import { parseLayoutReference } from '../../src/image/image-reference.js';
import { addToLayout, sampleManifest } from '../../src/image/sample-images.js';
import { buildCollection, type BuiltCollection, type PublishedTag } from '../support/notary-collection.js';
import { notaryCli, startNotaryServer, type NotaryCli, type NotaryServer } from '../support/notary-server.js';
import { skopeoCopy, startRegistry, type RegistryServer } from '../support/registry-server.js';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

async function layoutTag(layout: string, tag: string): Promise<PublishedTag> {
  const manifest = await new OciLayout(layout).getManifest(parseLayoutReference(`oci-layout:${layout}:${tag}`));
  return { tag, sha256: manifest.digest.slice('sha256:'.length), size: manifest.bytes.length };
}

describe('migrating Docker Content Trust signatures of images in a registry', () => {
  let registry: RegistryServer;
  let server: NotaryServer;
  let cli: NotaryCli;
  let s: SignetEnv;
  let built: BuiltCollection;
  let repo: string;
  let moved: string;

  beforeAll(async () => {
    registry = await startRegistry();
    server = await startNotaryServer();
    cli = await notaryCli(server);
    s = await makeSignetEnv();
    repo = `${registry.host}/team/app`;
    await skopeoCopy(s.layout, '1.0', `${repo}:1.0`);
    await skopeoCopy(s.layout, '2.0', `${repo}:2.0`, { all: true });
    built = await buildCollection(cli, repo, { targets: [await layoutTag(s.layout, '1.0')], releases: [await layoutTag(s.layout, '2.0')], serverSnapshot: true });
    // Then someone pushes another image over the signed tag 1.0.
    moved = await mkdtemp(join(tmpdir(), 'signet-moved-'));
    await addToLayout(moved, '1.0', sampleManifest('pushed after signing'));
    await skopeoCopy(moved, '1.0', `${repo}:1.0`);
  }, 180_000);
  afterAll(async () => {
    await rm(moved, { recursive: true, force: true });
    await s?.cleanup();
    await cli?.cleanup();
    await server?.stop();
    await registry?.stop();
  });

  it('verifies registry images against the Notary collection named after them, and refuses the moved tag', async () => {
    const flags = ['--notary', server.url, '--tls-ca', server.caFile, '--root-key-id', built.rootKeyId];
    const good = await s.cli(['verify', ...flags, `${repo}:2.0`]);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toBe(`${repo}@sha256:${(await layoutTag(s.layout, '2.0')).sha256}\n`);
    const movedTag = await s.cli(['verify', ...flags, `${repo}:1.0`]);
    expect(movedTag.code).toBe(1);
    expect(movedTag.stderr).toContain('does not match its Notary signature');
  }, 60_000);

  it('imports the tags the registry still serves, reports the moved one, and signet verify agrees', async () => {
    const init = await s.cli(['init', join(s.dir, 'trust'), '--scope', 'team/app']);
    expect(init.code, init.stderr).toBe(0);
    const migrate = await s.cli(['migrate', 'notary', repo, '--server', server.url, '--tls-ca', server.caFile, '--root-key-id', built.rootKeyId, '--check-image', repo]);
    expect(migrate.code).toBe(1);
    expect(migrate.stderr).toMatch(/not imported: team\/app:1\.0: the registry now serves sha256:[0-9a-f]{64}/);
    expect(migrate.stdout).toMatch(/^imported\tteam\/app:2\.0\tsha256:[0-9a-f]{64}\t\d+\ttargets\/releases$/m);
    expect(migrate.stdout).toContain('registry check: checked');

    const verified = await s.cli(['verify', `${repo}:2.0`]);
    expect(verified.code, verified.stderr).toBe(0);
    const refused = await s.cli(['verify', `${repo}:1.0`]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('team/app:1.0 is not signed');
  }, 60_000);
});
