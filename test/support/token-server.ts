// A loopback token service for notary-server's registry-style token auth:
// checks Basic credentials, then issues an ES256 JWT whose x5c header carries
// the self-signed certificate notary-server trusts (its rootcertbundle).

import { createPrivateKey, sign, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  /** Each token request: its query and whether Basic credentials were accepted. */
  requests: Array<{ scope: string | null; service: string | null; authorized: boolean }>;
  stop(): Promise<void>;
}

export async function startTokenServer(keyFile: string, certFile: string, user: { username: string; password: string }): Promise<TokenServer> {
  const key = createPrivateKey(await readFile(keyFile));
  const cert = new X509Certificate(await readFile(certFile));
  const service = 'notary-server';
  const issuer = 'signet-test-token-issuer';
  const requests: TokenServer['requests'] = [];
  const expected = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const authorized = req.headers.authorization === expected;
    requests.push({ scope: url.searchParams.get('scope'), service: url.searchParams.get('service'), authorized });
    if (req.headers.authorization !== undefined && !authorized) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
      return;
    }
    // Anonymous callers get a token without access, as registries do for private repositories.
    const access = (authorized ? url.searchParams.getAll('scope').join(' ') : '')
      .split(' ')
      .filter(Boolean)
      .map((scope) => {
        const [type, ...rest] = scope.split(':');
        const actions = rest.pop() ?? '';
        return { type, name: rest.join(':'), actions: actions.split(',') };
      });
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', x5c: [cert.raw.toString('base64')] };
    const claims = { iss: issuer, sub: user.username, aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: String(requests.length), access };
    const payload = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(payload), { key, dsaEncoding: 'ieee-p1363' });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `${payload}.${signature.toString('base64url')}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
