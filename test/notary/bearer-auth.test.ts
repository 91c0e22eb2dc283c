// Token auth as notary-server does it (docker distribution's token spec): the
// real notary-server with token auth, a loopback token service, and signet's
// reader following the Bearer challenge.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignetError } from '../../src/errors.js';
import { parseBearerChallenge, tokenUrl } from '../../src/notary/bearer-auth.js';
import { loadNotaryCollection } from '../../src/notary/notary-client.js';
import { keyIdPin } from '../../src/notary/notary-pin.js';
import { NotaryServerFetcher } from '../../src/notary/notary-server-fetcher.js';
import { dockerTags } from '../../src/notary/docker-tags.js';
import { buildCollection, fakeTag, type BuiltCollection } from '../support/notary-collection.js';
import { notaryCli, selfSignedCertificate, startNotaryServer, type NotaryCli, type NotaryServer } from '../support/notary-server.js';
import { startTokenServer, type TokenServer } from '../support/token-server.js';
import { makeSignetEnv } from '../support/signet-env.js';

const GUN = '127.0.0.1:5000/secure/app';
const USER = { username: 'alice', password: 'TEST-ONLY-password' };

describe('parsing a Bearer challenge', () => {
  it('reads realm, service and scope', () => {
    expect(parseBearerChallenge('Bearer realm="https://auth.example.com/token",service="notary",scope="repository:a/b:pull"')).toEqual({
      realm: 'https://auth.example.com/token',
      service: 'notary',
      scope: 'repository:a/b:pull',
    });
  });
  it('ignores Basic challenges and challenges without a realm', () => {
    expect(parseBearerChallenge('Basic realm="x"')).toBeUndefined();
    expect(parseBearerChallenge('Bearer service="x"')).toBeUndefined();
  });
  it('refuses to send credentials to a plain-http realm off loopback', () => {
    expect(() => tokenUrl({ realm: 'http://auth.example.com/token' }, 'repository:a:pull')).toThrow(/not https/);
  });
});

describe('reading a collection from a notary-server with token auth', () => {
  let dir: string;
  let tokens: TokenServer;
  let server: NotaryServer;
  let cli: NotaryCli;
  let built: BuiltCollection;
  let ca: Buffer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'signet-token-'));
    const { keyFile, certFile } = await selfSignedCertificate(dir, 'token-issuer', 'signet test token issuer');
    tokens = await startTokenServer(keyFile, certFile, USER);
    server = await startNotaryServer({ tokenAuth: { realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, rootCertFile: certFile } });
    cli = await notaryCli(server, { NOTARY_AUTH: Buffer.from(`${USER.username}:${USER.password}`).toString('base64') });
    built = await buildCollection(cli, GUN, { targets: [fakeTag('1.0', 'secure-one', 11)], noRefresh: true });
    ca = await readFile(server.caFile);
  }, 120_000);
  afterAll(async () => {
    await cli?.cleanup();
    await server?.stop();
    await tokens?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers the challenge with a token for pull on the GUN and verifies the collection', async () => {
    const before = tokens.requests.length;
    const fetcher = new NotaryServerFetcher({ server: server.url, gun: GUN, ca, credentials: USER });
    const collection = await loadNotaryCollection(fetcher, { gun: GUN, pin: keyIdPin([built.rootKeyId]), now: new Date() });
    await fetcher.close();
    expect(dockerTags(collection.trusted).tags.map((t) => t.tag)).toEqual(['1.0']);
    const mine = tokens.requests.slice(before);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toEqual({ scope: `repository:${GUN}:pull`, service: 'notary-server', authorized: true });
  });

  describe('from the CLI', () => {
    it('answers the realm with --username/--password-stdin, or with the registry login in the docker config', async () => {
      const s = await makeSignetEnv();
      try {
        const args = ['migrate', 'notary', GUN, '--server', server.url, '--tls-ca', server.caFile, '--root-key-id', built.rootKeyId, '--dry-run'];
        const flags = await s.cli([...args, '--username', USER.username, '--password-stdin'], { stdin: `${USER.password}\n` });
        expect(flags.code, flags.stderr).toBe(0);
        expect(flags.stdout).toMatch(/^would import\tsecure\/app:1\.0\t/m);
        const dockerDir = join(s.dir, 'docker');
        await mkdir(dockerDir);
        await writeFile(join(dockerDir, 'config.json'), JSON.stringify({ auths: { '127.0.0.1:5000': { auth: Buffer.from(`${USER.username}:${USER.password}`).toString('base64') } } }));
        const config = await s.cli(args, { env: { DOCKER_CONFIG: dockerDir } });
        expect(config.code, config.stderr).toBe(0);
        const anonymous = await s.cli(args, { env: { DOCKER_CONFIG: join(s.dir, 'no-docker-config') } });
        expect(anonymous.code).toBe(2);
        expect(anonymous.stderr).toContain('check the credentials');
      } finally {
        await s.cleanup();
      }
    }, 60_000);
  });

  describe('without credentials', () => {
    it('fails as a usage error naming the server', async () => {
      const fetcher = new NotaryServerFetcher({ server: server.url, gun: GUN, ca });
      const error = await loadNotaryCollection(fetcher, { gun: GUN, pin: keyIdPin([built.rootKeyId]), now: new Date() }).catch((e: unknown) => e);
      await fetcher.close();
      expect(error).toBeInstanceOf(SignetError);
      expect((error as SignetError).code).toBe('notary-unauthorized');
      expect((error as SignetError).kind).toBe('usage');
      expect((error as SignetError).message).toContain('check the credentials');
    });
  });
});
