// Test support: a real CNCF distribution registry (Debian `docker-registry`)
// on 127.0.0.1 with a free port and temp storage, optionally behind htpasswd
// basic auth or token auth (with a tiny loopback token issuer), and skopeo push.
//
// API (shared by the registry, OCI store and benchmark tests):
//   const reg = await startRegistry();                       // anonymous
//   const reg = await startRegistry({ auth: { htpasswd: { username, password } } });
//   const reg = await startRegistry({ auth: { token: { username, password } } });
//   reg.host  // '127.0.0.1:PORT'; reg.issuer?.requests counts token requests
//   await skopeoCopy(layoutDir, 'v1', `${reg.host}/team/app:v1`, { all: true });
//   await reg.stop();                                        // SIGTERM by PID, temp dir removed
// Images to push: buildImage/writeImage/pushImage in ./oci-images.ts (deterministic, multi-platform).

import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createServer, get, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { existsSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey, createSign, X509Certificate, timingSafeEqual } from 'node:crypto';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

/** Fail (never skip) when a binary is missing, saying how to install it. */
export function requireBinary(path: string, debianPackage: string): void {
  if (!existsSync(path)) throw new Error(`${path} is missing; install it with: apt-get install -y ${debianPackage}`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function run(program: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(program, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${program} ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

export interface Credentials {
  username: string;
  password: string;
}

export interface StartRegistryOptions {
  auth?: { htpasswd: Credentials } | { token: Credentials };
}

export interface TokenIssuer {
  url: string;
  /** Token requests served so far (to check tokens are cached per scope). */
  requests: Array<{ scope: string[]; authorized: boolean }>;
  close(): Promise<void>;
}

export interface RegistryServer {
  /** `127.0.0.1:PORT`, as used in image references. */
  host: string;
  port: number;
  /** Storage and config directory (removed by stop). */
  dir: string;
  pid: number;
  issuer?: TokenIssuer;
  /** Stop the registry by PID (SIGTERM, then SIGKILL) and remove its storage. */
  stop(): Promise<void>;
  /** Stop the process but keep storage, to test "registry unreachable". */
  kill(): Promise<void>;
}

/** A bcrypt htpasswd line, via the system crypt(3) (libxcrypt) through perl; no apache2-utils needed. */
export async function htpasswdLine(username: string, password: string): Promise<string> {
  requireBinary('/usr/bin/perl', 'perl-base');
  const alphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let salt = '';
  for (let i = 0; i < 22; i++) salt += alphabet[Math.floor(Math.random() * 64)];
  // crypt(3) wants the last salt character from a restricted set; 'e' is always valid.
  salt = `${salt.slice(0, 21)}e`;
  const hash = (await run('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', password, `$2y$05$${salt}`])).trim();
  if (!hash.startsWith('$2y$05$')) throw new Error('the system crypt(3) does not support bcrypt; install apache2-utils and use htpasswd -B');
  return `${username}:${hash}`;
}

function registryConfig(dir: string, port: number, auth: string): string {
  return [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    auth,
  ].join('\n');
}

async function waitForRegistry(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${stderr()}`);
    const status = await new Promise<number>((resolve) => {
      const req = get({ host: '127.0.0.1', port, path: '/v2/', timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
      req.on('timeout', () => req.destroy());
    });
    if (status === 200 || status === 401) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`docker-registry did not answer GET /v2/ on port ${port}: ${stderr()}`);
}

export async function startRegistry(options: StartRegistryOptions = {}): Promise<RegistryServer> {
  requireBinary(REGISTRY_BINARY, 'docker-registry');
  const dir = await fs.mkdtemp(join(tmpdir(), 'signet-registry-'));
  const port = await freePort();
  let auth = '';
  let issuer: TokenIssuer | undefined;
  if (options.auth && 'htpasswd' in options.auth) {
    const { username, password } = options.auth.htpasswd;
    await fs.writeFile(join(dir, 'htpasswd'), `${await htpasswdLine(username, password)}\n`);
    auth = ['auth:', '  htpasswd:', '    realm: signet-test', `    path: ${join(dir, 'htpasswd')}`].join('\n');
  } else if (options.auth && 'token' in options.auth) {
    requireBinary('/usr/bin/openssl', 'openssl');
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'token.key'), '-out', join(dir, 'token.crt'), '-days', '2', '-subj', '/CN=signet-test-token-issuer']);
    issuer = await startTokenIssuer(dir, options.auth.token);
    auth = ['auth:', '  token:', `    realm: ${issuer.url}`, '    service: signet-test', '    issuer: signet-test-issuer', `    rootcertbundle: ${join(dir, 'token.crt')}`].join('\n');
  }
  const config = join(dir, 'config.yml');
  await fs.writeFile(config, registryConfig(dir, port, auth));
  const child = spawn(REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 8192) stderr += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid!, 'SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid!, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    await waitForRegistry(port, child, () => stderr);
  } catch (error) {
    await kill();
    await issuer?.close();
    await fs.rm(dir, { recursive: true, force: true });
    throw error;
  }
  const server: RegistryServer = {
    host: `127.0.0.1:${port}`,
    port,
    dir,
    pid: child.pid!,
    kill,
    stop: async () => {
      await kill();
      await issuer?.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
  if (issuer) server.issuer = issuer;
  return server;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/**
 * A loopback token issuer for distribution's `auth: token`: checks Basic
 * credentials and grants the requested repository actions in an RS256 JWT
 * whose x5c is the certificate the registry trusts.
 */
async function startTokenIssuer(dir: string, user: Credentials): Promise<TokenIssuer> {
  const key = createPrivateKey(await fs.readFile(join(dir, 'token.key')));
  const cert = new X509Certificate(await fs.readFile(join(dir, 'token.crt')));
  const requests: TokenIssuer['requests'] = [];
  const expected = Buffer.from(`Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const scope = url.searchParams.getAll('scope');
    const given = Buffer.from(req.headers.authorization ?? '');
    const authorized = given.length === expected.length && timingSafeEqual(given, expected);
    requests.push({ scope, authorized });
    if (!authorized) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
      return;
    }
    // The real clock, not Date: tests that fake Date to step through a repository's life still get tokens the registry accepts.
    const now = Math.floor((performance.timeOrigin + performance.now()) / 1000);
    const access = scope.flatMap((s) => {
      const [type, name, actions] = s.split(':');
      return type && name && actions ? [{ type, name, actions: actions.split(',') }] : [];
    });
    const header = { typ: 'JWT', alg: 'RS256', x5c: [cert.raw.toString('base64')] };
    const claims = { iss: 'signet-test-issuer', sub: user.username, aud: url.searchParams.get('service') ?? '', exp: now + 300, nbf: now - 10, iat: now, jti: `${now}-${requests.length}`, access };
    const body = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(body).sign(key);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `${body}.${b64url(signature)}`, expires_in: 300 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/token`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface SkopeoCopyOptions {
  /** Copy every platform of an index (`--all`). */
  all?: boolean;
  credentials?: Credentials;
}

/** `skopeo copy oci:<layout>:<tag> docker://<target>` over plain HTTP to the loopback registry. */
export async function skopeoCopy(layoutDir: string, tag: string, target: string, options: SkopeoCopyOptions = {}): Promise<void> {
  requireBinary('/usr/bin/skopeo', 'skopeo');
  const args = ['--insecure-policy', 'copy', '--quiet', '--dest-tls-verify=false', '--preserve-digests'];
  if (options.all) args.push('--all');
  if (options.credentials) args.push('--dest-creds', `${options.credentials.username}:${options.credentials.password}`);
  args.push(`oci:${layoutDir}:${tag}`, `docker://${target}`);
  await run('/usr/bin/skopeo', args);
}
