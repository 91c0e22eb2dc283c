// The registry-style token auth notary-server uses (docker distribution's
// token spec, https://distribution.github.io/distribution/spec/auth/token/):
// a 401 carries `WWW-Authenticate: Bearer realm=…,service=…,scope=…`; the
// client asks the realm for a token and retries with `Authorization: Bearer`.

import { InconclusiveError, VerificationError } from '../errors.js';

export interface BearerChallenge {
  realm: string;
  service?: string;
  scope?: string;
}

/** Parse a `WWW-Authenticate` header; undefined unless it is a Bearer challenge with a realm. */
export function parseBearerChallenge(header: string | undefined): BearerChallenge | undefined {
  if (!header) return undefined;
  const match = /^\s*Bearer\s+(.*)$/i.exec(header);
  if (!match) return undefined;
  const params = new Map<string, string>();
  const pattern = /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*(?:,|$)/g;
  let part: RegExpExecArray | null;
  let guard = 0;
  while ((part = pattern.exec(match[1] ?? '')) !== null && guard++ < 32) {
    if (part[0] === '') break;
    params.set((part[1] ?? '').toLowerCase(), (part[2] ?? part[3] ?? '').replace(/\\(.)/g, '$1'));
  }
  const realm = params.get('realm');
  if (!realm) return undefined;
  const challenge: BearerChallenge = { realm };
  const service = params.get('service');
  const scope = params.get('scope');
  if (service) challenge.service = service;
  if (scope) challenge.scope = scope;
  return challenge;
}

/** Basic credentials for the token realm (from flags or ~/.docker/config.json, gathered by the CLI). */
export interface BasicCredentials {
  username: string;
  password: string;
}

/** The token request URL: realm?service=…&scope=… (the realm must be https, or http on loopback). */
export function tokenUrl(challenge: BearerChallenge, fallbackScope: string): URL {
  let url: URL;
  try {
    url = new URL(challenge.realm);
  } catch (cause) {
    throw new VerificationError('notary-bad-challenge', `the server's token realm ${JSON.stringify(challenge.realm)} is not a URL`, { cause });
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new VerificationError('notary-bad-challenge', `the server's token realm ${url.origin} is not https; refusing to send credentials there`);
  }
  if (challenge.service) url.searchParams.set('service', challenge.service);
  url.searchParams.set('scope', challenge.scope ?? fallbackScope);
  return url;
}

/** Extract the token from a realm's JSON answer (`token` or `access_token`). */
export function tokenFromResponse(body: Uint8Array, realm: string): string {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch (cause) {
    throw new InconclusiveError('notary-token', `the token service ${realm} did not answer with JSON`, { cause });
  }
  const record = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>) : {};
  const token = typeof record['token'] === 'string' ? record['token'] : record['access_token'];
  if (typeof token !== 'string' || token === '' || !/^[\x21-\x7e]+$/.test(token)) {
    throw new InconclusiveError('notary-token', `the token service ${realm} answered without a usable token`);
  }
  return token;
}

export function basicAuthorization(credentials: BasicCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}
