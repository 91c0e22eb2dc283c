// Reads Notary trust data from a notary-server over HTTPS: current files
// `GET /v2/<gun>/_trust/tuf/<role>.json`, by version `<n>.<role>.json` and by
// checksum `<role>.<sha256>.json`, with bounded bodies and token auth.

import { InconclusiveError, UsageError, VerificationError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { drainFlowing } from '../registry/flowing-body.js';
import { createDispatcher } from '../registry/proxy-dispatcher.js';
import type { RegistryClientOptions } from '../registry/registry-options.js';
import { basicAuthorization, parseBearerChallenge, tokenFromResponse, tokenUrl, type BasicCredentials } from './bearer-auth.js';
import { checkRelativeName, type NotaryFetcher, type NotaryFileRequest } from './notary-fetcher.js';
import { checkNotaryRoleName } from './notary-role-names.js';

export interface NotaryServerOptions {
  /** `https://notary.example.com` (http only for loopback). */
  server: string;
  gun: string;
  /** Extra CA certificates (PEM) to trust for the server's TLS certificate, besides the system roots. */
  ca?: string | Buffer | ReadonlyArray<string>;
  /** Credentials for the token realm, when the server asks for them. */
  credentials?: BasicCredentials;
  /** Looked up only when a token is needed and `credentials` is absent (docker config, credential helpers). */
  credentialLookup?: () => Promise<BasicCredentials | undefined>;
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
  /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as the registry client reads them. */
  proxy?: RegistryClientOptions['proxy'];
}

type Undici = typeof import('undici');

export class NotaryServerFetcher implements NotaryFetcher {
  readonly location: string;
  private readonly base: URL;
  private readonly options: NotaryServerOptions;
  private token: string | undefined;
  private client: { undici: Undici; dispatcher: import('undici').Dispatcher } | undefined;
  /** Bytes received, for reports. */
  bytesDownloaded = 0;

  constructor(options: NotaryServerOptions) {
    checkRelativeName(options.gun, 'GUN');
    let base: URL;
    try {
      base = new URL(options.server.endsWith('/') ? options.server : `${options.server}/`);
    } catch (cause) {
      throw new UsageError('notary-bad-server', `${JSON.stringify(options.server)} is not a URL; use https://host[:port]`, { cause });
    }
    const loopback = base.hostname === '127.0.0.1' || base.hostname === 'localhost' || base.hostname === '[::1]';
    if (base.protocol !== 'https:' && !(base.protocol === 'http:' && loopback)) {
      throw new UsageError('notary-bad-server', `${base.origin}: Notary servers are reached over https (plain http only on loopback)`);
    }
    if (base.username || base.password) throw new UsageError('notary-bad-server', 'put credentials in flags or ~/.docker/config.json, not in the server URL');
    this.base = base;
    this.options = options;
    this.location = `${base.origin}/v2/${options.gun}/_trust/tuf`;
  }

  async get(request: NotaryFileRequest, maxBytes: number): Promise<Uint8Array | undefined> {
    checkNotaryRoleName(request.role);
    let file = request.role;
    if (request.version !== undefined) file = `${request.version}.${file}`;
    else if (request.sha256 !== undefined && /^[0-9a-f]{64}$/.test(request.sha256)) file = `${file}.${request.sha256}`;
    const url = new URL(`v2/${this.options.gun}/_trust/tuf/${file}.json`, this.base);
    let response = await this.send(url, maxBytes, this.token);
    if (response.status === 401 && this.token === undefined) {
      this.token = await this.fetchToken(response.challenge, url);
      response = await this.send(url, maxBytes, this.token);
    }
    if (response.status === 200) return response.body;
    if (response.status === 404) return undefined;
    if (response.status === 401 || response.status === 403) {
      throw new UsageError('notary-unauthorized', `GET ${url.href} was refused (${response.status}); check the credentials for ${this.base.host}`);
    }
    throw new InconclusiveError('notary-server-status', `GET ${url.href} answered ${response.status}${response.errorCodes ? ` (${response.errorCodes})` : ''}`);
  }

  private async fetchToken(challengeHeader: string | undefined, url: URL): Promise<string> {
    const challenge = parseBearerChallenge(challengeHeader);
    if (!challenge) {
      throw new UsageError('notary-unauthorized', `GET ${url.href} asks for authentication without a Bearer challenge; signet supports token auth only`);
    }
    const realm = tokenUrl(challenge, `repository:${this.options.gun}:pull`);
    const credentials = this.options.credentials ?? (await this.options.credentialLookup?.());
    const authorization = credentials ? basicAuthorization(credentials) : undefined;
    // Credentials go to the realm only, never to a redirect target (send() does not follow redirects).
    const response = await this.send(realm, LIMITS.notaryTokenBytes, undefined, authorization);
    if (response.status !== 200) {
      throw new UsageError('notary-unauthorized', `the token service ${realm.origin}${realm.pathname} answered ${response.status}; check the credentials for ${this.base.host}`);
    }
    return tokenFromResponse(response.body ?? new Uint8Array(), realm.origin);
  }

  private async send(url: URL, maxBytes: number, token: string | undefined, authorization?: string): Promise<{ status: number; body?: Uint8Array; challenge?: string; errorCodes?: string }> {
    const { undici, dispatcher } = await this.http();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers['authorization'] = `Bearer ${token}`;
    else if (authorization) headers['authorization'] = authorization;
    let response;
    try {
      response = await undici.request(url, { method: 'GET', headers, dispatcher });
    } catch (cause) {
      const hint = isCertificateError(cause)
        ? `; if ${url.host} uses a private CA, trust it with --tls-ca <pem>`
        : `; check the --notary/--server address and that the Notary server is running (or read a local copy with --trust-dir)`;
      throw new InconclusiveError('notary-unreachable', `GET ${url.origin}${url.pathname} failed: ${(cause as Error).message}${hint}`, { cause });
    }
    const status = response.statusCode;
    // Endless data: more than a role's cap is refused as an attack (exit 1), never truncated.
    const declared = Number(response.headers['content-length'] ?? NaN);
    if (status === 200 && Number.isFinite(declared) && declared > maxBytes) {
      response.body.destroy();
      throw new VerificationError('notary-too-large', `GET ${url.origin}${url.pathname} declares ${declared} bytes, more than the ${maxBytes}-byte limit`);
    }
    const limit = status === 200 ? maxBytes : 64 * 1024;
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      // Flowing, never paused: undici 7 crashes on a close while paused (nodejs/undici#5360).
      await drainFlowing(response.body, (chunk) => {
        size += chunk.length;
        if (size > limit) {
          if (status !== 200) return false;
          throw new VerificationError('notary-too-large', `GET ${url.origin}${url.pathname} sent more than the ${maxBytes}-byte limit`);
        }
        chunks.push(chunk);
        return true;
      });
    } catch (cause) {
      if (cause instanceof VerificationError) throw cause;
      throw new InconclusiveError('notary-unreachable', `GET ${url.origin}${url.pathname} failed while reading: ${(cause as Error).message}`, { cause });
    }
    const body = Buffer.concat(chunks);
    this.bytesDownloaded += body.length;
    const header = response.headers['www-authenticate'];
    const challenges = Array.isArray(header) ? header : header === undefined ? [] : [header];
    const challenge = challenges.find((c) => /^\s*bearer\s/i.test(c)) ?? challenges[0];
    const result: { status: number; body?: Uint8Array; challenge?: string; errorCodes?: string } = { status, body };
    if (challenge !== undefined) result.challenge = challenge;
    if (status !== 200) {
      const codes = errorCodesOf(body);
      if (codes) result.errorCodes = codes;
    }
    return result;
  }

  private async http(): Promise<{ undici: Undici; dispatcher: import('undici').Dispatcher }> {
    if (!this.client) {
      // undici is CommonJS: bundled by esbuild its exports sit under `default`.
      const module = (await import('undici')) as Undici & { default?: Undici };
      const undici = typeof module.Agent === 'function' ? module : (module.default as Undici);
      const timeout = this.options.timeoutMs ?? 30_000;
      // The registry client's pool choice: proxies and extra CAs (added to the system roots) alike.
      const dispatcher = createDispatcher({
        agent: { headersTimeout: timeout, bodyTimeout: timeout },
        ...(this.options.ca === undefined ? {} : { caCertificates: [this.options.ca].flat().map(String) }),
        ...(this.options.proxy ? { proxy: this.options.proxy } : {}),
      });
      this.client = { undici, dispatcher };
    }
    return this.client;
  }

  /** Release connections. */
  async close(): Promise<void> {
    await this.client?.dispatcher.close();
    this.client = undefined;
  }
}

/** TLS verification failures (node's error codes), possibly wrapped by undici. */
function isCertificateError(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(e.code)) return true;
  }
  return false;
}

function errorCodesOf(body: Buffer): string | undefined {
  try {
    const doc = JSON.parse(body.toString('utf8')) as { errors?: Array<{ code?: unknown }> };
    const codes = (doc.errors ?? []).map((e) => e.code).filter((c): c is string => typeof c === 'string');
    return codes.length > 0 ? codes.slice(0, 8).join(', ') : undefined;
  } catch {
    return undefined;
  }
}
