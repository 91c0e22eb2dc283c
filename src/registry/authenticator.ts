// Registry authentication: anonymous, Basic, and the bearer token challenge
// (realm/service/scope, https://distribution.github.io/distribution/spec/auth/token/),
// with tokens cached per registry and scope. Secrets stay in headers, never in messages.

import { Buffer } from 'node:buffer';
import { UsageError, InconclusiveError } from '../errors.js';
import { isRecord } from '../metadata/types.js';
import { LIMITS } from '../limits.js';
import type { Credential, CredentialSource } from './credentials.js';
import { parseChallenges } from './auth-challenge.js';
import { type Headers, type HttpTransport, readBounded, redactUrl } from './http-transport.js';
import { registryError } from './registry-errors.js';

interface CachedToken {
  header: Headers;
  expiresAt: number;
}

/** Tokens are refreshed this long before the server says they expire. */
const EXPIRY_MARGIN_MS = 10_000;
const DEFAULT_TOKEN_SECONDS = 60;

export class Authenticator {
  /** What each registry host asked for last (its challenge), to authenticate up front next time. */
  private readonly schemes = new Map<string, { scheme: string; params: Map<string, string> }>();
  private readonly tokens = new Map<string, CachedToken>();
  private readonly credentials = new Map<string, Promise<Credential | undefined>>();

  constructor(
    private readonly transport: HttpTransport,
    private readonly source: CredentialSource | undefined,
    private readonly allowHttp: (url: URL) => boolean,
  ) {}

  private credentialFor(host: string): Promise<Credential | undefined> {
    let found = this.credentials.get(host);
    if (!found) {
      found = this.source ? this.source.get(host) : Promise.resolve(undefined);
      this.credentials.set(host, found);
    }
    return found;
  }

  /** Headers to send up front for `scope` on `host`, when we already know its scheme. */
  async headersFor(host: string, scope: string): Promise<Headers | undefined> {
    const known = this.schemes.get(host);
    if (!known) return undefined;
    if (known.scheme === 'basic') return this.basicHeader(host);
    const cached = this.tokens.get(`${host} ${scope}`);
    if (cached && cached.expiresAt > Date.now()) return cached.header;
    return this.fetchToken(host, scope, known.params);
  }

  /**
   * Answer a 401 challenge for `scope`. Throws UsageError when the registry
   * wants credentials we do not have or a scheme we do not speak.
   */
  async answer(host: string, scope: string, wwwAuthenticate: string | undefined, what: string): Promise<Headers> {
    const challenges = parseChallenges(wwwAuthenticate ?? '');
    const challenge = challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
    if (!challenge) {
      throw new UsageError('registry-auth', `the registry at ${host} asked for authentication for ${what} without a usable challenge (WWW-Authenticate: ${JSON.stringify((wwwAuthenticate ?? '').slice(0, 100))})`);
    }
    this.schemes.set(host, challenge);
    this.tokens.delete(`${host} ${scope}`);
    if (challenge.scheme === 'basic') {
      const header = await this.basicHeader(host);
      if (!header) throw needCredentials(host, what);
      return header;
    }
    return this.fetchToken(host, scope, challenge.params);
  }

  private async basicHeader(host: string): Promise<Headers | undefined> {
    const credential = await this.credentialFor(host);
    if (credential?.kind !== 'basic') return undefined;
    return { authorization: `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}` };
  }

  /** GET (or POST with an identity token) the realm for a token with `scope` plus the challenge's own scope. */
  private async fetchToken(host: string, scope: string, params: Map<string, string>): Promise<Headers> {
    const realm = params.get('realm');
    let url: URL;
    try {
      url = new URL(realm ?? '');
    } catch {
      throw new UsageError('registry-auth', `the registry at ${host} sent a bearer challenge with no valid realm`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.allowHttp(url))) {
      throw new UsageError('registry-auth', `the token service of ${host} is at ${redactUrl(url)}, which is not HTTPS; refused (use --insecure-registry ${url.host} if this is intended)`);
    }
    const service = params.get('service');
    const scopes = [...new Set([scope, params.get('scope') ?? ''].filter((s) => s !== ''))];
    const credential = await this.credentialFor(host);
    let header: Headers | undefined;
    let body: Uint8Array | undefined;
    let method: 'GET' | 'POST' = 'GET';
    if (credential?.kind === 'identity-token') {
      method = 'POST';
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credential.token, client_id: 'signet' });
      if (service) form.set('service', service);
      if (scopes.length > 0) form.set('scope', scopes.join(' '));
      body = Buffer.from(form.toString());
      header = { 'content-type': 'application/x-www-form-urlencoded' };
    } else {
      if (service) url.searchParams.set('service', service);
      for (const s of scopes) url.searchParams.append('scope', s);
      if (credential?.kind === 'basic') header = { authorization: `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}` };
    }
    const what = `a token for ${scopes.join(' ') || host}`;
    const doc = await this.transport.exchange({ method, url, ...(body ? { body, headers: header ?? {} } : {}), ...(header && !body ? { auth: header } : {}), allowHttp: this.allowHttp }, async (res) => {
      if (res.status === 401 || res.status === 403) throw needCredentials(host, what, credential !== undefined);
      if (res.status !== 200) throw await registryError(method, res, what);
      const bytes = await readBounded(res, LIMITS.registryTokenBytes, 'token response');
      try {
        return JSON.parse(bytes.toString('utf8')) as unknown;
      } catch (cause) {
        throw new InconclusiveError('registry-auth', `the token service at ${redactUrl(url)} answered with something that is not JSON`, { cause });
      }
    });
    const token = isRecord(doc) ? (typeof doc['token'] === 'string' ? doc['token'] : doc['access_token']) : undefined;
    if (typeof token !== 'string' || token === '') throw new InconclusiveError('registry-auth', `the token service at ${redactUrl(url)} gave no token`);
    const seconds = isRecord(doc) && typeof doc['expires_in'] === 'number' && doc['expires_in'] > 0 ? doc['expires_in'] : DEFAULT_TOKEN_SECONDS;
    // Refresh a little early, but never cache a short-lived token for less than half its life.
    const lifetime = Math.max(seconds * 1000 - EXPIRY_MARGIN_MS, (seconds * 1000) / 2);
    const cached = { header: { authorization: `Bearer ${token}` }, expiresAt: Date.now() + lifetime };
    this.tokens.set(`${host} ${scope}`, cached);
    return cached.header;
  }
}

function needCredentials(host: string, what: string, had = false): UsageError {
  return had
    ? new UsageError('registry-denied', `the registry at ${host} refused the credentials given for ${what}; check --username/--password-stdin or docker login`)
    : new UsageError('registry-auth', `the registry at ${host} needs credentials for ${what}; pass --username and --password-stdin, or run docker login`);
}
