// `signet key …` in-process: each sub-command's happy path and main failure.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { runCli } from '../../src/cli/run-cli.js';

let s: SignetEnv;
beforeEach(async () => {
  s = await makeSignetEnv();
});
afterEach(async () => {
  await s.cleanup();
});

async function generate(role = 'targets'): Promise<{ keyId: string; fingerprint: string; path: string }> {
  const r = await s.cli(['key', 'generate', '--role', role, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('signet key generate and list', () => {
  it('shows the new key id and fingerprint, and lists it', async () => {
    const key = await generate();
    expect(key.fingerprint.replace(/ /g, '')).toBe(key.keyId);
    const list = await s.cli(['key', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${key.keyId}\ttargets\t`, 'm'));
  });

  it('refuses to generate without a passphrase source, saying which variable to set', async () => {
    const r = await s.cli(['key', 'generate', '--role', 'root'], { env: { SIGNET_PASSPHRASE: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SIGNET_PASSPHRASE_ROOT');
    expect(JSON.parse((await s.cli(['key', 'list', '--json'])).stdout).keys).toEqual([]);
  });

  it('list refuses a key folder others can read', async () => {
    await generate();
    await chmod(join(s.home, 'keys'), 0o755);
    const r = await s.cli(['key', 'list']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('chmod 700');
  });
});

describe('signet key export', () => {
  it('prints the public key by default, in signet, tuf and pem formats', async () => {
    const key = await generate();
    const signet = JSON.parse((await s.cli(['key', 'export', key.keyId.slice(0, 8)])).stdout);
    expect(signet).toMatchObject({ format: 'signet-public-key/v1', keyid: key.keyId, key: { keytype: 'ed25519' } });
    const tuf = JSON.parse((await s.cli(['key', 'export', key.keyId, '--format', 'tuf'])).stdout);
    expect(tuf).toEqual(signet.key);
    expect((await s.cli(['key', 'export', key.keyId, '--format', 'pem'])).stdout).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it('exports the private key only with --private, still encrypted, written 0600', async () => {
    const key = await generate();
    const out = join(s.dir, 'backup.key');
    const r = await s.cli(['key', 'export', key.keyId, '--private', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    expect(await readFile(out, 'utf8')).toBe(await readFile(key.path, 'utf8'));
    expect(await readFile(out, 'utf8')).toContain('"ciphertext"');
  });

  it('refuses an unknown key id', async () => {
    const r = await s.cli(['key', 'export', 'deadbeefdeadbeef']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('signet key list');
  });
});

describe('signet key import', () => {
  it('imports a PKCS#8 PEM key with a role', async () => {
    const pem = join(s.dir, 'TEST-ONLY-ed25519.pem');
    await writeFile(pem, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const r = await s.cli(['key', 'import', pem, '--role', 'targets', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ role: 'targets', keyId: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('refuses a public key file', async () => {
    const key = await generate();
    const pub = join(s.dir, 'k.pub.json');
    await s.cli(['key', 'export', key.keyId, '-o', pub]);
    const r = await s.cli(['key', 'import', pub], { env: { SIGNET_HOME: join(s.dir, 'other') } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a signet private key file');
  });
});

describe('signet key passwd', () => {
  it('changes the passphrase (old and new on two lines of stdin)', async () => {
    const key = await generate();
    const r = await s.cli(['key', 'passwd', key.keyId, '--passphrase-stdin'], { stdin: 'TEST-ONLY passphrase\nTEST-ONLY changed\n', env: { SIGNET_PASSPHRASE: '' } });
    expect(r.code, r.stderr).toBe(0);
    const withNew = await s.cli(['key', 'passwd', key.keyId], { env: { SIGNET_PASSPHRASE: 'TEST-ONLY changed', SIGNET_NEW_PASSPHRASE: 'TEST-ONLY third' } });
    expect(withNew.code, withNew.stderr).toBe(0);
  });

  it('with a wrong current passphrase exits 2 and changes nothing', async () => {
    const key = await generate();
    const before = await readFile(key.path);
    const r = await s.cli(['key', 'passwd', key.keyId], { env: { SIGNET_PASSPHRASE: 'TEST-ONLY wrong', SIGNET_NEW_PASSPHRASE: 'TEST-ONLY new' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('wrong passphrase');
    expect(r.stderr + r.stdout).not.toContain('TEST-ONLY');
    expect(await readFile(key.path)).toEqual(before);
  });

  it('on a terminal asks for the current passphrase, then the new one twice', async () => {
    const key = await generate();
    const answers = ['TEST-ONLY passphrase', 'TEST-ONLY typed', 'TEST-ONLY typed'];
    const questions: string[] = [];
    const promptSecret = async (question: string) => {
      questions.push(question);
      return answers.shift()!;
    };
    const r = await runCli(['key', 'passwd', key.keyId], { env: { SIGNET_HOME: s.home }, cwd: s.dir, stdinIsTTY: true, promptSecret });
    expect(r.code, r.stderr).toBe(0);
    expect(questions).toEqual([`Passphrase for the targets key ${key.keyId.slice(0, 12)}: `, `New passphrase for the targets key ${key.keyId.slice(0, 12)}: `, 'Repeat it: ']);
    const unlock = await s.cli(['key', 'passwd', key.keyId], { env: { SIGNET_PASSPHRASE: 'TEST-ONLY typed', SIGNET_NEW_PASSPHRASE: 'TEST-ONLY x' } });
    expect(unlock.code, unlock.stderr).toBe(0);
  });

  it('on a terminal refuses two different new passphrases and changes nothing', async () => {
    const key = await generate();
    const before = await readFile(key.path);
    const answers = ['TEST-ONLY passphrase', 'TEST-ONLY one', 'TEST-ONLY two'];
    const r = await runCli(['key', 'passwd', key.keyId], { env: { SIGNET_HOME: s.home }, cwd: s.dir, stdinIsTTY: true, promptSecret: async () => answers.shift()! });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the two passphrases differ');
    expect(await readFile(key.path)).toEqual(before);
  });

  it('never reuses the unlocking passphrase as the new one', async () => {
    const key = await generate();
    const r = await s.cli(['key', 'passwd', key.keyId]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SIGNET_NEW_PASSPHRASE');
  });
});

describe('signet key remove', () => {
  it('asks for --yes, then removes the key', async () => {
    const key = await generate();
    const refused = await s.cli(['key', 'remove', key.keyId]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    const removed = await s.cli(['key', 'remove', key.keyId, '--yes']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse((await s.cli(['key', 'list', '--json'])).stdout).keys).toEqual([]);
  });
});
