// A delegated role that fails to load (issue 13's last difference from
// notary): notary's client skips a delegation only when it expired or lacks
// valid signatures, and fails the whole collection for anything else — bytes
// that do not match the snapshot, a file the server does not have. signet did
// skip those too, so a tag could then be read from a role notary would never
// reach (the top-level targets signs 1.0, targets/releases signs 2.0).
// The same crafted collection goes to the real `notary` 0.7.0 and to signet.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { certificatePemOf, craftFiles, ecdsaKey, onlineKeys, rootCertificateKey, type CraftKey, type OnlineKeys } from '../support/notary-crafter.js';
import { startFakeNotaryServer, type FakeNotaryServer } from '../support/fake-notary-server.js';
import { notaryCli, type NotaryCli } from '../support/notary-server.js';
import { fakeTag } from '../support/notary-collection.js';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

const top = fakeTag('1.0', 'top-level', 101);
const delegated = fakeTag('2.0', 'from-releases', 202);
const tag = (t: typeof top) => ({ [t.tag]: { sha256: t.sha256, length: t.size } });

describe('a delegation that fails to load: notary and signet agree', () => {
  let server: FakeNotaryServer;
  let s: SignetEnv;
  let notary: NotaryCli;
  let rootKey: CraftKey;
  let keys: OnlineKeys;
  let pinFile: string;
  let gun: string;
  let counter = 0;

  beforeAll(async () => {
    server = await startFakeNotaryServer();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    gun = `127.0.0.1:5000/delegation-failures/app${++counter}`;
    rootKey = await rootCertificateKey(gun, 3650);
    keys = onlineKeys();
    s = await makeSignetEnv();
    pinFile = join(s.dir, 'root.crt');
    await writeFile(pinFile, certificatePemOf(rootKey));
    notary = await notaryCli(server);
  });
  afterEach(async () => {
    await s.cleanup();
    await notary.cleanup();
  });

  /** targets signs 1.0, targets/releases signs 2.0. */
  function collection(options: { releasesSigners?: CraftKey[]; threshold?: number } = {}): { files: Map<string, Uint8Array>; releasesKeys: CraftKey[] } {
    const releasesKeys = [ecdsaKey(), ecdsaKey()];
    const files = craftFiles({
      root: rootKey,
      rootVersion: 1,
      keys,
      roles: [
        { name: 'targets', version: 1, targets: tag(top), delegations: [{ name: 'targets/releases', keys: releasesKeys, threshold: options.threshold ?? 1, paths: [''] }] },
        { name: 'targets/releases', version: 1, targets: tag(delegated), signers: options.releasesSigners ?? releasesKeys },
      ],
      snapshotVersion: 1,
      timestampVersion: 1,
    });
    return { files, releasesKeys };
  }

  async function notaryList(): Promise<{ ok: boolean; output: string }> {
    try {
      return { ok: true, output: await notary.run('-D', 'list', gun) };
    } catch (error) {
      return { ok: false, output: (error as Error).message };
    }
  }

  const signet = () => s.cli(['migrate', 'notary', gun, '--server', server.url, '--tls-ca', server.caFile, '--root-cert', pinFile, '--dry-run']);

  it('the baseline: both read the delegation', async () => {
    server.serve(gun, collection().files);
    const listed = await notaryList();
    expect(listed.ok, listed.output).toBe(true);
    expect(listed.output).toContain(delegated.sha256);
    const ours = await signet();
    expect(ours.code, ours.stderr).toBe(0);
    expect(ours.stdout).toContain(`sha256:${delegated.sha256}`);
  });

  it('bytes that do not match the snapshot: notary fails the collection, signet exits 1 instead of skipping the role', async () => {
    const { files } = collection();
    const tampered = JSON.parse(Buffer.from(files.get('targets/releases')!).toString('utf8'));
    tampered.signed.targets['3.0'] = { hashes: { sha256: Buffer.from(top.sha256, 'hex').toString('base64') }, length: 1 };
    files.set('targets/releases', Buffer.from(JSON.stringify(tampered)));
    server.serve(gun, files);
    const listed = await notaryList();
    expect(listed.ok, listed.output).toBe(false);
    const ours = await signet();
    expect(ours.code, ours.stdout).toBe(1);
    expect(ours.stderr).toMatch(/targets\/releases of .*(does not match|bytes, but)/);
  });

  it('a delegation the snapshot lists but the server does not have: both fail', async () => {
    const { files } = collection();
    files.delete('targets/releases');
    server.serve(gun, files);
    const listed = await notaryList();
    expect(listed.ok, listed.output).toBe(false);
    const ours = await signet();
    expect(ours.code, ours.stdout).not.toBe(0);
    expect(ours.stderr).toMatch(/missing .*targets\/releases/);
  });

  it('a delegation below its threshold: both skip it and keep the top-level tag', async () => {
    const keysOf = ecdsaKey();
    const { files } = collection({ threshold: 2, releasesSigners: [keysOf] });
    server.serve(gun, files);
    const listed = await notaryList();
    expect(listed.ok, listed.output).toBe(true);
    expect(listed.output).toContain(top.sha256);
    expect(listed.output).not.toContain(delegated.sha256);
    const ours = await signet();
    expect(ours.code, ours.stderr).toBe(0);
    expect(ours.stdout).toContain(`sha256:${top.sha256}`);
    expect(ours.stdout).not.toContain(delegated.sha256);
    expect(`${ours.stdout}${ours.stderr}`).toMatch(/targets\/releases/);
  });
});
