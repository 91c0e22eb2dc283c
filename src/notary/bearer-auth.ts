// The registry-style token auth notary-server uses (docker distribution's
// token spec, https://distribution.github.io/distribution/spec/auth/token/):
// a 401 carries `WWW-Authenticate: Bearer realm=…,service=…,scope=…`; the
// client asks the realm for a token and retries with `Authorization: Bearer`.
// Written before the registry client landed; it now shares its challenge parser.

import { InconclusiveError, VerificationError } from '../errors.js';
import { parseChallenges } from '../registry/auth-challenge.js';

export interface BearerChallenge {
  realm: string;
  service?: string;
  scope?: string;
}

/**
 * The Bearer challenge of a `WWW-Authenticate` header (parsed by the registry
 * client's RFC 9110 parser); undefined unless there is one with a realm.
 */
export function parseBearerChallenge(header: string | undefined): BearerChallenge | undefined {
  if (!header) return undefined;
  const bearer = parseChallenges(header).find((c) => c.scheme === 'bearer');
  const realm = bearer?.params.get('realm');
  if (!bearer || !realm) return undefined;
  const challenge: BearerChallenge = { realm };
  const service = bearer.params.get('service');
  const scope = bearer.params.get('scope');
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
