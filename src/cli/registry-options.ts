// The registry option group (`--username`, `--password-stdin`,
// `--insecure-registry`, `--ca-file`), defined once, and the one place that
// turns flags and environment (DOCKER_CONFIG, SSL_CERT_FILE, HTTPS_PROXY,
// NO_PROXY) into the library's RegistryClientOptions.

import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliIO } from './io.js';
import type { RegistryClientOptions } from '../registry/registry-options.js';
import { DockerConfigCredentials, firstOf, staticCredentials } from '../registry/credentials.js';
import { checkRegistryHost } from '../registry/reference.js';
import { readFileBounded } from '../store/atomic-file.js';
import { caCertificatesFrom } from '../registry/ca-pem.js';
import { UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { VERSION } from '../version.js';
import { parseDuration } from '../metadata/expiry.js';

export interface RegistryCommandOptions {
  username?: string;
  passwordStdin?: boolean;
  insecureRegistry?: string[];
  caFile?: string;
  timeout?: string;
  passphraseStdin?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * Add the registry options to a command that reads or writes a store or an
 * image. Idempotent: option groups that imply it (withTrustOptions) call it
 * too, and a command may still name it explicitly.
 */
export function withRegistryOptions(command: Command): Command {
  if (command.options.some((option) => option.long === '--username')) return command;
  return command
    .option('--username <name>', 'registry user name; the password is read with --password-stdin')
    .option('--password-stdin', 'read the registry password or token from standard input')
    .option('--insecure-registry <host>', 'allow plain HTTP to this registry host[:port] (repeatable; loopback is always allowed)', collect, [])
    .option('--ca-file <file>', 'also trust this CA certificate (PEM) for registries')
    .option('--timeout <duration>', 'give up on a registry or trust store request after this long, retries included (e.g. 30s, 2m; default 60s, or $SIGNET_TIMEOUT); blobs get more time by size')
    .addHelpText('after', '\nRegistry credentials: --username with --password-stdin, else ~/.docker/config.json (auths, credHelpers, credsStore; $DOCKER_CONFIG). TLS: --ca-file, $SSL_CERT_FILE. Proxies: $HTTPS_PROXY, $HTTP_PROXY, $NO_PROXY. Slow servers: --timeout, $SIGNET_TIMEOUT (exit 3 past it).');
}

function envOf(io: CliIO, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = io.env[name];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

async function readPem(io: CliIO, file: string, what: string, parse: boolean): Promise<string> {
  const path = resolve(io.cwd, file);
  const bytes = await readFileBounded(path, LIMITS.configFileBytes);
  if (bytes === undefined) throw new UsageError('no-ca-file', `${what} ${path} does not exist`);
  return caCertificatesFrom(bytes.toString('utf8'), `${what} ${path}`, { parse });
}

const MAX_TIMEOUT_SECONDS = 24 * 3600;

/** `--timeout` (or SIGNET_TIMEOUT when the flag is absent) in milliseconds; exit 2 outside 1 s … 24 h. */
export function timeoutFrom(flag: string | undefined, env: string | undefined): number | undefined {
  const text = flag ?? env;
  if (text === undefined) return undefined;
  const where = flag !== undefined ? '--timeout' : 'SIGNET_TIMEOUT';
  let seconds: number;
  try {
    seconds = parseDuration(text);
  } catch (cause) {
    throw new UsageError('bad-timeout', `${where} ${JSON.stringify(text)} is not a duration; use e.g. 30s, 2m, 1h`, { cause });
  }
  if (seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) throw new UsageError('bad-timeout', `${where} ${text} is out of range: use 1s to 24h`);
  return seconds * 1000;
}

/** Build the client options for one command run. Reads stdin only with --password-stdin. */
export async function registryOptionsFrom(io: CliIO, options: RegistryCommandOptions): Promise<RegistryClientOptions> {
  const result: RegistryClientOptions = { userAgent: `signet/${VERSION}` };
  const dockerDir = envOf(io, 'DOCKER_CONFIG') ?? join(envOf(io, 'HOME') ?? homedir(), '.docker');
  const dockerConfig = new DockerConfigCredentials(resolve(io.cwd, dockerDir, 'config.json'), { env: { ...io.env } as NodeJS.ProcessEnv });
  if (options.passwordStdin && !options.username) throw new UsageError('bad-flags', '--password-stdin needs --username');
  if (options.username && !options.passwordStdin) throw new UsageError('bad-flags', '--username needs --password-stdin (signet never takes a password on the command line)');
  if (options.passwordStdin && options.passphraseStdin) throw new UsageError('bad-flags', '--password-stdin and --passphrase-stdin cannot both read standard input; use --passphrase-file or SIGNET_PASSPHRASE');
  if (options.username) {
    const password = (await io.readStdin()).replace(/\r?\n$/, '');
    if (password === '') throw new UsageError('bad-flags', '--password-stdin read an empty password');
    result.credentials = firstOf(staticCredentials(options.username, password), dockerConfig);
  } else {
    result.credentials = dockerConfig;
  }
  const deadlineMs = timeoutFrom(options.timeout, envOf(io, 'SIGNET_TIMEOUT'));
  if (deadlineMs !== undefined) result.deadlineMs = deadlineMs;
  const insecure = options.insecureRegistry ?? [];
  for (const host of insecure) checkRegistryHost(host, `--insecure-registry ${host}`);
  if (insecure.length > 0) result.insecureRegistries = insecure;
  const ca: string[] = [];
  const sslCertFile = envOf(io, 'SSL_CERT_FILE');
  if (sslCertFile) ca.push(await readPem(io, sslCertFile, 'SSL_CERT_FILE', false));
  if (options.caFile) ca.push(await readPem(io, options.caFile, '--ca-file', true));
  if (ca.length > 0) result.caCertificates = ca;
  const httpsProxy = envOf(io, 'HTTPS_PROXY', 'https_proxy');
  const httpProxy = envOf(io, 'HTTP_PROXY', 'http_proxy');
  const noProxy = envOf(io, 'NO_PROXY', 'no_proxy');
  if (httpsProxy || httpProxy) {
    result.proxy = {};
    if (httpsProxy) result.proxy.httpsProxy = httpsProxy;
    if (httpProxy) result.proxy.httpProxy = httpProxy;
    if (noProxy) result.proxy.noProxy = noProxy;
  }
  return result;
}
