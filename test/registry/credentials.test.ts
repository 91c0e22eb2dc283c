// Docker config credentials: auths (auth, identitytoken), credHelpers and
// credsStore through the docker-credential-* protocol, and the lookup keys.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerConfigCredentials, configKeys, firstOf, staticCredentials } from '../../src/registry/credentials.js';
import { parseChallenges } from '../../src/registry/auth-challenge.js';

let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'signet-creds-'));
  const bin = join(dir, 'bin');
  await fs.mkdir(bin);
  // A store helper that knows one server and answers with an identity token for another.
  await fs.writeFile(join(bin, 'docker-credential-teststore'), [
    '#!/bin/sh',
    'read server',
    'case "$server" in',
    '  store.example.com) echo \'{"ServerURL":"store.example.com","Username":"alice","Secret":"TEST-ONLY-s1"}\' ;;',
    '  token.example.com) echo \'{"ServerURL":"token.example.com","Username":"<token>","Secret":"TEST-ONLY-refresh"}\' ;;',
    '  *) echo "credentials not found in native keychain"; exit 1 ;;',
    'esac',
  ].join('\n'), { mode: 0o755 });
  await fs.writeFile(join(bin, 'docker-credential-broken'), '#!/bin/sh\necho "TEST-ONLY-leaky-secret"; exit 3\n', { mode: 0o755 });
  env = { PATH: `${bin}:/usr/bin:/bin` };
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function config(doc: unknown): Promise<DockerConfigCredentials> {
  const path = join(dir, `config-${Math.random().toString(16).slice(2)}.json`);
  await fs.writeFile(path, JSON.stringify(doc));
  return new DockerConfigCredentials(path, { env });
}

describe('DockerConfigCredentials', () => {
  it('decodes auths.auth and finds Docker Hub under its index URL', async () => {
    const creds = await config({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('bob:TEST-ONLY-pw').toString('base64') } } });
    expect(await creds.get('docker.io')).toEqual({ kind: 'basic', username: 'bob', password: 'TEST-ONLY-pw' });
    expect(await creds.get('ghcr.io')).toBeUndefined();
  });

  it('prefers an identitytoken', async () => {
    const creds = await config({ auths: { 'registry.example.com': { auth: 'Ym9iOng=', identitytoken: 'TEST-ONLY-refresh' } } });
    expect(await creds.get('registry.example.com')).toEqual({ kind: 'identity-token', token: 'TEST-ONLY-refresh' });
  });

  it('asks credsStore, treating "not found" as no credential and <token> as an identity token', async () => {
    const creds = await config({ credsStore: 'teststore' });
    expect(await creds.get('store.example.com')).toEqual({ kind: 'basic', username: 'alice', password: 'TEST-ONLY-s1' });
    expect(await creds.get('token.example.com')).toEqual({ kind: 'identity-token', token: 'TEST-ONLY-refresh' });
    expect(await creds.get('unknown.example.com')).toBeUndefined();
  });

  it('lets credHelpers win over auths for their host', async () => {
    const creds = await config({ credHelpers: { 'store.example.com': 'teststore' }, auths: { 'store.example.com': { auth: Buffer.from('x:y').toString('base64') } } });
    expect(await creds.get('store.example.com')).toMatchObject({ username: 'alice' });
  });

  it('reports a failing helper without repeating what it printed', async () => {
    const creds = await config({ credsStore: 'broken' });
    const error = await creds.get('x.example.com').catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('docker-credential-broken failed');
    expect((error as Error).message).not.toContain('leaky');
  });

  it('reports a helper missing from PATH', async () => {
    const creds = await config({ credsStore: 'absent' });
    await expect(creds.get('x.example.com')).rejects.toThrow(/docker-credential-absent is not on PATH/);
  });

  it('refuses a helper name that is not a plain word', async () => {
    const creds = await config({ credsStore: '../../bin/sh' });
    await expect(creds.get('x.example.com')).rejects.toThrow(/not valid/);
  });

  it('is empty when the config file does not exist', async () => {
    expect(await new DockerConfigCredentials(join(dir, 'none.json')).get('x')).toBeUndefined();
  });
});

describe('credential lookup', () => {
  it('tries the host and its URL forms', () => {
    expect(configKeys('127.0.0.1:5000')).toContain('https://127.0.0.1:5000');
  });

  it('lets flags win over the docker config', async () => {
    const both = firstOf(staticCredentials('flag', 'TEST-ONLY-a'), await config({ auths: { h: { auth: Buffer.from('cfg:b').toString('base64') } } }));
    expect(await both.get('h')).toMatchObject({ username: 'flag' });
  });
});

describe('parseChallenges', () => {
  it('reads a bearer challenge with quoted, comma-separated parameters', () => {
    const [c] = parseChallenges('Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:team/app:pull,push"');
    expect(c!.scheme).toBe('bearer');
    expect(Object.fromEntries(c!.params)).toEqual({ realm: 'https://auth.example.com/token', service: 'registry.example.com', scope: 'repository:team/app:pull,push' });
  });

  it('reads several challenges', () => {
    const list = parseChallenges('Basic realm="x", Bearer realm="https://a/token"');
    expect(list.map((c) => c.scheme)).toEqual(['basic', 'bearer']);
  });
});
