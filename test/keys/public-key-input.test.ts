// One public key format accepted wherever a key is named: the file
// `key generate --public-out` and `key export` write, TUF JSON, PEM, and a
// key id from the keystore all name the same key.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { symlink, writeFile } from 'node:fs/promises';
import { makeSignetEnv, TEST_PASSPHRASE, type SignetEnv } from '../support/signet-env.js';
import { Keystore, type KeyInfo } from '../../src/keys/keystore.js';
import { resolvePublicKey } from '../../src/keys/public-key-input.js';
import { publicKeyPem } from '../../src/keys/public-key-file.js';
import { caught } from '../support/caught.js';

let s: SignetEnv;
let keystore: Keystore;
let key: KeyInfo;
beforeAll(async () => {
  s = await makeSignetEnv();
  keystore = new Keystore(s.home);
  key = await keystore.generate('app-ci', 'test', async () => TEST_PASSPHRASE);
  const exported = await keystore.exportPublic(key.keyId);
  await writeFile(join(s.dir, 'signet.pub.json'), JSON.stringify(exported, null, 2));
  await writeFile(join(s.dir, 'tuf.json'), JSON.stringify(exported.key));
  await writeFile(join(s.dir, 'wrapped.json'), JSON.stringify({ public: exported.key, note: 'another tool' }));
  await writeFile(join(s.dir, 'key.pem'), publicKeyPem(exported.key));
  await symlink(join(s.dir, 'tuf.json'), join(s.dir, 'link.json'));
});
afterAll(async () => s.cleanup());

describe('resolvePublicKey (every --key that names a public key)', () => {
  it.each(['signet.pub.json', 'tuf.json', 'wrapped.json', 'key.pem'])('reads %s as the same key', async (file) => {
    const read = await resolvePublicKey(file, keystore, s.dir);
    expect(read.keyId).toBe(key.keyId);
    expect(read.key).toEqual(key.publicKey);
  });

  it('takes a key id or an 8+ digit prefix from the keystore', async () => {
    expect((await resolvePublicKey(key.keyId, keystore, s.dir)).keyId).toBe(key.keyId);
    expect((await resolvePublicKey(key.keyId.slice(0, 10), keystore, s.dir)).keyId).toBe(key.keyId);
  });

  it('refuses a private key file, saying to pass the public key', async () => {
    const error = await caught(resolvePublicKey(key.path, keystore, s.dir));
    expect(error).toMatchObject({ code: 'private-key-given' });
  });

  it('refuses a symlink and names an unknown spec', async () => {
    expect(await caught(resolvePublicKey('link.json', keystore, s.dir))).toMatchObject({ kind: 'usage' });
    expect(await caught(resolvePublicKey('nothing.pub.json', keystore, s.dir))).toMatchObject({ code: 'no-such-key' });
  });
});

describe('the CLI commands that name keys', () => {
  it('root create takes the --public-out file, a PEM and a key id', async () => {
    const gen = await s.cli(['key', 'generate', '--role', 'root', '--public-out', join(s.dir, 'root.pub.json'), '--json']);
    expect(gen.code, gen.stderr).toBe(0);
    const create = await s.cli([
      'root', 'create', '-o', join(s.dir, 'root.json'),
      '--key', 'root=root.pub.json', '--key', 'targets=key.pem', '--key', `snapshot=${key.keyId.slice(0, 12)}`, '--key', 'timestamp=tuf.json',
    ]);
    expect(create.code, create.stderr).toBe(0);
  });
});
