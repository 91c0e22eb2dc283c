// Test harness for the real Notary v1 parts (Debian package `notary`): starts
// notary-server on 127.0.0.1 (free port, memory storage, in-process ed25519
// trust service, throwaway self-signed TLS certificate made with openssl) and
// drives the real `notary` CLI against it with a temporary trust directory.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Binaries the Notary tests need, with the Debian package that ships each. */
const BINARIES: Record<string, string> = {
  notary: 'notary',
  'notary-server': 'notary',
  openssl: 'openssl',
};

/** Throws (failing the test) with the install command when a binary is missing. */
export function requireBinary(name: string): string {
  for (const dir of (process.env['PATH'] ?? '/usr/bin:/bin').split(':')) {
    const candidate = join(dir, name);
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  const pkg = BINARIES[name] ?? name;
  throw new Error(`${name} is not installed; install it with: sudo apt-get install -y ${pkg}`);
}

export interface NotaryServer {
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** PEM file of the server's self-signed certificate (the CA clients pin). */
  caFile: string;
  /** Temp directory holding config, keys and certificates. */
  dir: string;
  stop(): Promise<void>;
}

export interface NotaryServerOptions {
  /** Registry-style token auth: notary-server checks JWTs issued by this realm and signed by this cert. */
  tokenAuth?: { realm: string; service: string; issuer: string; rootCertFile: string };
}

/** Start notary-server; call `stop()` in afterAll. */
export async function startNotaryServer(options: NotaryServerOptions = {}): Promise<NotaryServer> {
  const binary = requireBinary('notary-server');
  requireBinary('openssl');
  const dir = await mkdtemp(join(tmpdir(), 'signet-notary-server-'));
  const caFile = join(dir, 'server.crt');
  await selfSignedCertificate(dir, 'server', '127.0.0.1', ['subjectAltName=IP:127.0.0.1']);
  const port = await freePort();
  const config: Record<string, unknown> = {
    server: { http_addr: `127.0.0.1:${port}`, tls_key_file: 'server.key', tls_cert_file: 'server.crt' },
    trust_service: { type: 'local' },
    storage: { backend: 'memory' },
    logging: { level: 'error' },
  };
  if (options.tokenAuth) {
    const { realm, service, issuer, rootCertFile } = options.tokenAuth;
    config['auth'] = { type: 'token', options: { realm, service, issuer, rootcertbundle: rootCertFile } };
  }
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
  const child = spawn(binary, ['-config', join(dir, 'config.json'), '-logf', 'logfmt'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
  });
  const url = `https://127.0.0.1:${port}`;
  const ca = await readFile(caFile);
  try {
    await waitForHealth(url, ca, child, () => stderr);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    caFile,
    dir,
    stop: async () => {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Write `<name>.key` (P-256) and `<name>.crt` (self-signed, CN=`cn`) into `dir`. */
export async function selfSignedCertificate(dir: string, name: string, cn: string, extensions: string[] = [], days = 30, digest = 'sha256'): Promise<{ keyFile: string; certFile: string }> {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.crt`);
  const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', String(days), '-subj', `/CN=${cn.replace(/[\\/]/g, (c) => `\\${c}`)}`];
  args.push(`-${digest}`);
  for (const ext of extensions) args.push('-addext', ext);
  await run(requireBinary('openssl'), args, {});
  return { keyFile, certFile };
}

/** Passphrases the `notary` CLI reads from its environment in these tests. */
export const NOTARY_TEST_PASSPHRASES = {
  NOTARY_ROOT_PASSPHRASE: 'test-root-passphrase',
  NOTARY_TARGETS_PASSPHRASE: 'test-targets-passphrase',
  NOTARY_SNAPSHOT_PASSPHRASE: 'test-snapshot-passphrase',
  NOTARY_DELEGATION_PASSPHRASE: 'test-delegation-passphrase',
};

export interface NotaryCli {
  /** The client's trust directory (`notary -d`). */
  trustDir: string;
  /** Run `notary -s URL -d DIR --tlscacert CA <args>`; rejects with stderr on a non-zero exit. */
  run(...args: string[]): Promise<string>;
  /** The same, answering prompts (e.g. "yes\n" to confirm a root key rotation). */
  runWithInput(input: string, ...args: string[]): Promise<string>;
  /** Remove the trust directory. */
  cleanup(): Promise<void>;
}

/** A `notary` CLI with its own temporary trust directory, talking to `server` (NOTARY_AUTH etc. in `extraEnv`). */
export async function notaryCli(server: NotaryServer, extraEnv: Record<string, string> = {}): Promise<NotaryCli> {
  const binary = requireBinary('notary');
  const trustDir = await mkdtemp(join(tmpdir(), 'signet-notary-client-'));
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: trustDir, ...NOTARY_TEST_PASSPHRASES, ...extraEnv };
  return {
    trustDir,
    run: (...args) => run(binary, ['-s', server.url, '-d', trustDir, '--tlscacert', server.caFile, ...args], env),
    runWithInput: (input, ...args) => run(binary, ['-s', server.url, '-d', trustDir, '--tlscacert', server.caFile, ...args], env, input),
    cleanup: () => rm(trustDir, { recursive: true, force: true }),
  };
}

function run(binary: string, args: string[], env: Record<string, string>, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(binary, args, { env, timeout: 30_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${binary} ${args.join(' ')} failed (${String(error.code ?? error.signal)}): ${stderr || stdout || error.message}`));
      else resolve(stdout);
    });
    // The CLI may exit before reading stdin; a broken pipe then is expected, not an error.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, ca: Buffer, child: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`notary-server exited with ${child.exitCode}: ${log()}`);
    if (await healthy(`${url}/_notary_server/health`, ca)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`notary-server did not become healthy at ${url}: ${log()}`);
}

function healthy(url: string, ca: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { ca, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
