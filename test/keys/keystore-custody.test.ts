// Keys at rest: wrong passphrase, tampered key file, symlinks, permissions,
// and the custody operations (import, export, passwd, remove).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, readFile, rm, stat, symlink, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { Keystore, WrongPassphraseError, type PassphraseProvider } from '../../src/keys/keystore.js';
import { parsePublicKey } from '../../src/keys/public-key-file.js';
import { exitCodeFor, SignetError } from '../../src/errors.js';

const OLD = 'TEST-ONLY old passphrase';
const NEW = 'TEST-ONLY new passphrase';
const NOW = new Date('2026-11-22T06:00:00Z');

/** Unlock with `unlock`, choose `chosen` for new keys. */
function passphrases(unlock: string, chosen = unlock): PassphraseProvider {
  return async (request) => (request.purpose === 'new' ? chosen : unlock);
}

let dir: string;
let store: Keystore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'signet-keys-'));
  store = new Keystore(join(dir, 'home'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectRefused(promise: Promise<unknown>, code: string | RegExp): Promise<SignetError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SignetError);
  const signetError = error as SignetError;
  if (typeof code === 'string') expect(signetError.code).toBe(code);
  else expect(signetError.code).toMatch(code);
  return signetError;
}

describe('when the passphrase is wrong', () => {
  it('refuses with exit code 2 and leaves the key file unchanged', async () => {
    const info = await store.generate('root', 'acme', passphrases(OLD), NOW);
    const before = await readFile(info.path);
    const error = await expectRefused(store.unlock(info.keyId, passphrases('TEST-ONLY wrong')), 'wrong-passphrase');
    expect(error).toBeInstanceOf(WrongPassphraseError);
    expect(exitCodeFor(error)).toBe(2);
    expect(error.message).not.toContain('TEST-ONLY');
    expect(await readFile(info.path)).toEqual(before);
  });

  it('unlocks with the right one and signs as the listed key id', async () => {
    const info = await store.generate('targets', 'acme', passphrases(OLD), NOW);
    const { signer } = await store.unlock(info.keyId, passphrases(OLD));
    expect(signer.keyId).toBe(info.keyId);
    expect((await store.list()).map((k) => k.keyId)).toEqual([info.keyId]);
  });
});

describe('when someone edits the key file', () => {
  // Each edit must make the file useless rather than yield a key under changed labels.
  const edits: Array<[string, (doc: Record<string, any>) => void]> = [
    ['the role label', (d) => (d.role = 'targets')],
    ['the repository label', (d) => (d.repository = 'evil')],
    ['the creation date', (d) => (d.created = '2020-01-01T00:00:00.000Z')],
    ['the scrypt salt', (d) => (d.kdf.salt = Buffer.alloc(16, 7).toString('base64'))],
    ['the scrypt cost', (d) => (d.kdf.n = 32768)],
    ['the nonce', (d) => (d.cipher.nonce = Buffer.alloc(12, 1).toString('base64'))],
    ['one ciphertext byte', (d) => (d.ciphertext = flipFirstByte(d.ciphertext))],
    ['the public key', (d) => (d.public.keyval.public = 'ab'.repeat(32))],
    ['the key id', (d) => (d.keyid = 'cd'.repeat(32))],
    ['an added field', (d) => (d.note = 'hello')],
  ];
  for (const [what, edit] of edits) {
    it(`detects a change to ${what} and gives no signer`, async () => {
      const info = await store.generate('root', 'acme', passphrases(OLD), NOW);
      const doc = JSON.parse(await readFile(info.path, 'utf8'));
      edit(doc);
      await writeFile(info.path, JSON.stringify(doc), { mode: 0o600 });
      await expectRefused(store.unlock(info.keyId, passphrases(OLD)), /^(wrong-passphrase|key-file-tampered)$/);
    });
  }

  it('detects a single flipped bit anywhere in the raw file bytes that still parses', async () => {
    const info = await store.generate('root', 'acme', passphrases(OLD), NOW);
    const bytes = await readFile(info.path);
    const at = bytes.indexOf('"ciphertext"') + 20;
    bytes[at] = bytes[at]! ^ 0x01;
    await writeFile(info.path, bytes, { mode: 0o600 });
    await expectRefused(store.unlock(info.keyId, passphrases(OLD)), /^(wrong-passphrase|key-file-tampered|bad-key-file)$/);
  });
});

describe('when a key file or the key folder is a symlink', () => {
  it('refuses a symlinked key file', async () => {
    const info = await store.generate('root', 'acme', passphrases(OLD), NOW);
    const real = join(dir, 'elsewhere.key');
    await rename(info.path, real);
    await symlink(real, info.path);
    await expectRefused(store.unlock(info.keyId, passphrases(OLD)), 'symlink-refused');
    await expectRefused(store.list(), 'symlink-refused');
  });

  it('refuses a symlinked key folder', async () => {
    const info = await store.generate('root', 'acme', passphrases(OLD), NOW);
    const real = join(dir, 'real-keys');
    await rename(store.dir, real);
    await symlink(real, store.dir);
    await expectRefused(store.unlock(info.keyId, passphrases(OLD)), 'symlink-refused');
    await expectRefused(store.generate('root', 'acme', passphrases(OLD), NOW), 'symlink-refused');
  });
});

describe('permissions', () => {
  it('creates key files 0600 in a 0700 folder', async () => {
    const info = await store.generate('root', 'acme', passphrases(OLD), NOW);
    expect((await stat(info.path)).mode & 0o777).toBe(0o600);
    expect((await stat(store.dir)).mode & 0o777).toBe(0o700);
  });

  it('refuses a key file others can read, naming the chmod that fixes it', async () => {
    const info = await store.generate('root', 'acme', passphrases(OLD), NOW);
    await chmod(info.path, 0o644);
    const error = await expectRefused(store.unlock(info.keyId, passphrases(OLD)), 'key-permissions');
    expect(error.message).toContain(`chmod 600 ${info.path}`);
  });

  it('refuses a key folder others can enter, naming the chmod that fixes it', async () => {
    const info = await store.generate('root', 'acme', passphrases(OLD), NOW);
    await chmod(store.dir, 0o755);
    const error = await expectRefused(store.unlock(info.keyId, passphrases(OLD)), 'key-permissions');
    expect(error.message).toContain(`chmod 700 ${store.dir}`);
  });
});

describe('passwd', () => {
  it('re-encrypts under the new passphrase; the old one stops working', async () => {
    const info = await store.generate('root', 'acme', passphrases(OLD), NOW);
    const changed = await store.passwd(info.keyId, passphrases(OLD, NEW));
    expect(changed).toMatchObject({ keyId: info.keyId, role: 'root', repository: 'acme', created: info.created });
    expect((await store.unlock(info.keyId, passphrases(NEW))).signer.keyId).toBe(info.keyId);
    await expectRefused(store.unlock(info.keyId, passphrases(OLD)), 'wrong-passphrase');
    expect((await stat(info.path)).mode & 0o777).toBe(0o600);
  });

  it('changes nothing when the old passphrase is wrong', async () => {
    const info = await store.generate('root', 'acme', passphrases(OLD), NOW);
    const before = await readFile(info.path);
    await expectRefused(store.passwd(info.keyId, passphrases('TEST-ONLY wrong', NEW)), 'wrong-passphrase');
    expect(await readFile(info.path)).toEqual(before);
  });
});

describe('import', () => {
  it('imports a PKCS#8 PEM ed25519 key under its TUF key id, encrypted', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' });
    const info = await store.import(Buffer.from(pem), { role: 'targets', repository: 'acme' }, passphrases(NEW), NOW);
    const x = publicKey.export({ format: 'jwk' }).x!;
    expect(info.publicKey.keyval.public).toBe(Buffer.from(x, 'base64url').toString('hex'));
    expect(await readFile(info.path, 'utf8')).not.toContain(privateKey.export({ format: 'jwk' }).d!);
    expect((await store.unlock(info.keyId, passphrases(NEW))).signer.keyId).toBe(info.keyId);
  });

  it('refuses a PEM key without a role, an RSA key and an encrypted PKCS#8 key', async () => {
    const ed = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' });
    await expectRefused(store.import(Buffer.from(ed), {}, passphrases(NEW), NOW), 'missing-role');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' });
    await expectRefused(store.import(Buffer.from(rsa), { role: 'targets' }, passphrases(NEW), NOW), 'unsupported-key-type');
    const encrypted = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'x' });
    await expectRefused(store.import(Buffer.from(encrypted), { role: 'targets' }, passphrases(NEW), NOW), 'encrypted-pkcs8');
    expect(await store.list()).toEqual([]);
  });

  it('imports a signet key file from another keystore only with its passphrase', async () => {
    const info = await store.generate('root', 'acme', passphrases(OLD), NOW);
    const exported = await store.exportEncrypted(info.keyId);
    const other = new Keystore(join(dir, 'other'));
    await expectRefused(other.import(exported, {}, passphrases('TEST-ONLY wrong'), NOW), 'wrong-passphrase');
    expect(await other.list()).toEqual([]);
    const imported = await other.import(exported, {}, passphrases(OLD), NOW);
    expect(imported).toMatchObject({ keyId: info.keyId, role: 'root', repository: 'acme' });
    await expectRefused(other.import(exported, {}, passphrases(OLD), NOW), 'key-exists');
  });
});

describe('export and remove', () => {
  it('exports the public key with its id; the private export stays encrypted', async () => {
    const info = await store.generate('root', 'acme', passphrases(OLD), NOW);
    const pub = await store.exportPublic(info.keyId);
    expect(parsePublicKey(Buffer.from(JSON.stringify(pub)), 'export')).toMatchObject({ keyId: info.keyId, role: 'root' });
    const priv = (await store.exportEncrypted(info.keyId)).toString('utf8');
    expect(JSON.parse(priv)).toMatchObject({ format: 'signet-key/v1', keyid: info.keyId, kdf: { name: 'scrypt' }, cipher: { name: 'aes-256-gcm' } });
  });

  it('removes a key; it is gone from the list and cannot be unlocked', async () => {
    const info = await store.generate('root', 'acme', passphrases(OLD), NOW);
    await store.remove(info.keyId);
    expect(await store.list()).toEqual([]);
    await expectRefused(store.unlock(info.keyId, passphrases(OLD)), 'no-such-key');
  });

  it('resolves a unique key id prefix of 8+ digits, refuses shorter ones', async () => {
    const info = await store.generate('root', 'acme', passphrases(OLD), NOW);
    expect(await store.resolveKeyId(info.keyId.slice(0, 8))).toBe(info.keyId);
    await expectRefused(store.resolveKeyId(info.keyId.slice(0, 4)), 'bad-key-id');
    await expectRefused(store.resolveKeyId('00000000'.replace(/0/g, info.keyId[0] === '0' ? '1' : '0')), 'no-such-key');
  });
});

function flipFirstByte(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] = bytes[0]! ^ 0xff;
  return bytes.toString('base64');
}

