// Registry credentials: from flags (`--username` / `--password-stdin`) or from
// ~/.docker/config.json (`auths`, `identitytoken`, `credHelpers`, `credsStore`
// via the docker-credential-* helper protocol). Credentials are never logged.

import { execFile } from 'node:child_process';
import { credentialHelperEnv } from './helper-env.js';
import { Buffer } from 'node:buffer';
import { readFileBounded } from '../store/atomic-file.js';
import { isRecord } from '../metadata/types.js';
import { LIMITS } from '../limits.js';
import { UsageError } from '../errors.js';

export type Credential =
  | { kind: 'basic'; username: string; password: string }
  /** An OAuth2 refresh token (docker's `identitytoken`), exchanged at the token realm. */
  | { kind: 'identity-token'; token: string };

/** Something that can tell the credential for a registry host (`host[:port]`). */
export interface CredentialSource {
  get(host: string): Promise<Credential | undefined>;
}

/** Docker Hub's key in docker's config file. */
const HUB_KEY = 'https://index.docker.io/v1/';
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const HELPER_TIMEOUT_MS = 15_000;

/** The same credential for every host (flags given for one invocation). */
export function staticCredentials(username: string, password: string): CredentialSource {
  const credential: Credential = { kind: 'basic', username, password };
  return { get: async () => credential };
}

/** The first source that knows the host wins. */
export function firstOf(...sources: CredentialSource[]): CredentialSource {
  return {
    async get(host) {
      for (const source of sources) {
        const found = await source.get(host);
        if (found) return found;
      }
      return undefined;
    },
  };
}

export interface DockerConfigOptions {
  /** Environment to run credential helpers in; only its allow-listed part reaches them (see helper-env.ts). */
  env?: NodeJS.ProcessEnv;
}

/** Credentials from a docker config.json, read once on first use. */
export class DockerConfigCredentials implements CredentialSource {
  private config: Promise<Record<string, unknown>> | undefined;

  constructor(readonly path: string, private readonly options: DockerConfigOptions = {}) {}

  private load(): Promise<Record<string, unknown>> {
    this.config ??= (async () => {
      const bytes = await readFileBounded(this.path, LIMITS.configFileBytes);
      if (bytes === undefined) return {};
      try {
        const doc = JSON.parse(bytes.toString('utf8')) as unknown;
        return isRecord(doc) ? doc : {};
      } catch (cause) {
        throw new UsageError('bad-docker-config', `${this.path} is not valid JSON`, { cause });
      }
    })();
    return this.config;
  }

  async get(host: string): Promise<Credential | undefined> {
    const config = await this.load();
    const keys = configKeys(host);
    const helpers = config['credHelpers'];
    if (isRecord(helpers)) {
      for (const key of keys) {
        const helper = Object.hasOwn(helpers, key) ? helpers[key] : undefined;
        if (typeof helper === 'string') return runCredentialHelper(helper, key, this.options.env);
      }
    }
    if (typeof config['credsStore'] === 'string') {
      const found = await runCredentialHelper(config['credsStore'], keys[0] ?? host, this.options.env);
      if (found) return found;
    }
    const auths = config['auths'];
    if (!isRecord(auths)) return undefined;
    for (const key of keys) {
      const entry = Object.hasOwn(auths, key) ? auths[key] : undefined;
      if (!isRecord(entry)) continue;
      if (typeof entry['identitytoken'] === 'string' && entry['identitytoken'] !== '') return { kind: 'identity-token', token: entry['identitytoken'] };
      if (typeof entry['auth'] === 'string' && entry['auth'] !== '') return decodeAuth(entry['auth'], this.path, key);
      if (typeof entry['username'] === 'string' && typeof entry['password'] === 'string') {
        return { kind: 'basic', username: entry['username'], password: entry['password'] };
      }
    }
    return undefined;
  }
}

/** The keys docker uses for a host in config.json, most specific first. */
export function configKeys(host: string): string[] {
  if (host === 'docker.io' || host === 'registry-1.docker.io' || host === 'index.docker.io') return [HUB_KEY, 'docker.io', 'index.docker.io'];
  return [host, `https://${host}`, `http://${host}`, `https://${host}/v1/`, `https://${host}/v2/`];
}

function decodeAuth(auth: string, path: string, key: string): Credential {
  const text = Buffer.from(auth, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) throw new UsageError('bad-docker-config', `${path}: the auth entry for ${key} is not base64 of user:password`);
  return { kind: 'basic', username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * `docker-credential-<name> get` with the server URL on stdin; JSON
 * `{Username, Secret}` on stdout. A helper saying "not found" means no credential.
 */
export async function runCredentialHelper(name: string, serverUrl: string, env?: NodeJS.ProcessEnv): Promise<Credential | undefined> {
  if (!HELPER_NAME.test(name)) throw new UsageError('bad-docker-config', `credential helper name "${name}" is not valid`);
  const program = `docker-credential-${name}`;
  const output = await new Promise<string | undefined>((resolve, reject) => {
    const child = execFile(program, ['get'], { env: credentialHelperEnv(env ?? process.env), timeout: HELPER_TIMEOUT_MS, maxBuffer: LIMITS.credentialHelperBytes, encoding: 'utf8' }, (error, stdout) => {
      if (!error) return resolve(stdout);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return reject(new UsageError('credential-helper-missing', `credential helper ${program} is not on PATH (named in the docker config)`, { cause: error }));
      if (/not found/i.test(stdout)) return resolve(undefined);
      // Never include the helper's output: it may hold a secret.
      return reject(new UsageError('credential-helper-failed', `credential helper ${program} failed for ${serverUrl}`, { cause: error }));
    });
    // A helper that exits (or is missing) before reading stdin must not crash us with EPIPE.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(serverUrl);
  });
  if (output === undefined) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(output);
  } catch (cause) {
    throw new UsageError('credential-helper-failed', `credential helper ${program} printed something that is not JSON`, { cause });
  }
  if (!isRecord(doc) || typeof doc['Secret'] !== 'string') throw new UsageError('credential-helper-failed', `credential helper ${program} gave no Secret`);
  const username = typeof doc['Username'] === 'string' ? doc['Username'] : '';
  if (username === '<token>') return { kind: 'identity-token', token: doc['Secret'] };
  return { kind: 'basic', username, password: doc['Secret'] };
}
