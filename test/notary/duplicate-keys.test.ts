// One key counted twice toward a threshold (issue 13, N4): the same crafted
// collection, served over TLS, to the real `notary` client and to signet.
// base64 with an embedded newline names the same key under a second id;
// notary refuses it ("key ID is not valid for key content"), and so does signet.

import { createHash, X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalBytes } from '../../src/metadata/canonical-json.js';
import { checkNotaryThreshold } from '../../src/notary/notary-signatures.js';
import type { NotaryKeyJSON } from '../../src/notary/notary-metadata.js';
import { notaryKeyId } from '../../src/notary/notary-keys.js';
import { certificatePemOf, craftFiles, ecdsaKey, envelope, onlineKeys, rootCertificateKey, type CraftKey } from '../support/notary-crafter.js';
import { startFakeNotaryServer, type FakeNotaryServer } from '../support/fake-notary-server.js';
import { notaryCli, type NotaryCli } from '../support/notary-server.js';
import { fakeTag } from '../support/notary-collection.js';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

const evil = fakeTag('1.0', 'evil', 101);

/** The key again, its base64 split by a newline, under the id of that text (as an attacker computes it). */
function sameKeyAnotherId(key: CraftKey): CraftKey {
  const text = key.json.keyval.public;
  const json: NotaryKeyJSON = { keytype: key.json.keytype, keyval: { private: null, public: `${text.slice(0, 20)}\n${text.slice(20)}` } };
  const id = createHash('sha256').update(canonicalBytes(json)).digest('hex');
  return { ...key, json, id };
}

describe('when one targets key is listed twice to meet a threshold of two', () => {
  let server: FakeNotaryServer;
  let s: SignetEnv;
  let notary: NotaryCli;
  const gun = '127.0.0.1:5000/dup/app';
  let pinFile: string;

  beforeAll(async () => {
    server = await startFakeNotaryServer();
    const rootKey = await rootCertificateKey(gun, 3650);
    const keys = onlineKeys();
    const twice = sameKeyAnotherId(keys.targets);
    server.serve(
      gun,
      craftFiles({ root: rootKey, rootVersion: 1, keys, targetsKeys: [keys.targets, twice], targetsThreshold: 2, roles: [{ name: 'targets', version: 1, targets: { [evil.tag]: { sha256: evil.sha256, length: evil.size } } }], snapshotVersion: 1, timestampVersion: 1 }),
    );
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

  it('notary refuses it, and signet refuses it with exit 1 naming the key id', async () => {
    const listed = await notary.run('list', gun).then(
      () => 'accepted',
      (error: Error) => error.message,
    );
    expect(listed).toMatch(/key ID is not valid for key content/);
    const plan = await s.cli(['migrate', 'notary', gun, '--server', server.url, '--tls-ca', server.caFile, '--root-cert', pinFile, '--dry-run']);
    expect(plan.code, plan.stdout).toBe(1);
    expect(plan.stderr).toMatch(/targets lists key [0-9a-f]+.* whose content has the id [0-9a-f]+/);
  });
});

describe('counting signatures toward a threshold', () => {
  it('counts one public key once, even as a bare key and as a certificate (two ids that each match their content)', async () => {
    const certified = await rootCertificateKey('signer', 3650);
    const spki = new X509Certificate(certificatePemOf(certified)).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const bareJson: NotaryKeyJSON = { keytype: 'ecdsa', keyval: { private: null, public: spki } };
    const bare: CraftKey = { ...certified, json: bareJson, id: notaryKeyId(bareJson) };
    expect(bare.id).not.toBe(certified.id);
    const signed = envelope({ _type: 'Targets', version: 1 }, [certified, bare]);
    const keys = new Map([
      [certified.id, certified.json],
      [bare.id, bare.json],
    ]);
    expect(checkNotaryThreshold(signed, { role: 'targets', keys, threshold: 2 }).valid).toHaveLength(1);
    const other = ecdsaKey();
    keys.set(other.id, other.json);
    const twoKeys = envelope({ _type: 'Targets', version: 1 }, [certified, bare, other]);
    expect(checkNotaryThreshold(twoKeys, { role: 'targets', keys, threshold: 2 }).valid).toEqual([certified.id, other.id]);
  });
});
