// A root key whose certificate is a CA, not a leaf: the real `notary` client
// finds no valid leaf certificate and refuses the collection; so does signet
// (exit 1). Found while crafting the issue 13 collections.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificatePemOf, craftFiles, onlineKeys, rootCertificateKey } from '../support/notary-crafter.js';
import { startFakeNotaryServer, type FakeNotaryServer } from '../support/fake-notary-server.js';
import { notaryCli, type NotaryCli } from '../support/notary-server.js';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

const GUN = '127.0.0.1:5000/leaf/app';

describe('when the root certificate is a CA (CA:TRUE) rather than a leaf', () => {
  let server: FakeNotaryServer;
  let s: SignetEnv;
  let notary: NotaryCli;
  let pinFile: string;

  beforeAll(async () => {
    server = await startFakeNotaryServer();
    const rootKey = await rootCertificateKey(GUN, 3650, 'sha256', { ca: true });
    server.serve(GUN, craftFiles({ root: rootKey, rootVersion: 1, keys: onlineKeys(), roles: [{ name: 'targets', version: 1, targets: {} }], snapshotVersion: 1, timestampVersion: 1 }));
    s = await makeSignetEnv();
    pinFile = join(s.dir, 'root.crt');
    await writeFile(pinFile, certificatePemOf(rootKey));
    notary = await notaryCli(server);
  }, 60_000);
  afterAll(async () => {
    await s?.cleanup();
    await notary?.cleanup();
    await server?.stop();
  });

  it('notary refuses it, and signet refuses it with exit 1 and the reason', async () => {
    const listed = await notary.run('list', GUN).then(
      () => 'accepted',
      (error: Error) => error.message,
    );
    expect(listed).toMatch(/unable to retrieve valid leaf certificates/);
    const plan = await s.cli(['migrate', 'notary', GUN, '--server', server.url, '--tls-ca', server.caFile, '--root-cert', pinFile, '--dry-run']);
    expect(plan.code, plan.stdout).toBe(1);
    expect(plan.stderr).toMatch(/holds 0 leaf certificates \(CA:FALSE\), not exactly one/);
  });
});
