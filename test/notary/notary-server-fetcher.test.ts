// Misbehaviour a real notary-server will not produce, from a tiny loopback
// server: endless data, 5xx answers, a challenge without Bearer. Everything
// else is tested against the real notary-server.

import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignetError } from '../../src/errors.js';
import { LIMITS } from '../../src/limits.js';
import { NotaryServerFetcher } from '../../src/notary/notary-server-fetcher.js';

describe('the notary-server fetcher against a misbehaving server', () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      if (req.url?.endsWith('/endless/_trust/tuf/root.json')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let sent = 0;
        const pump = () => {
          while (sent < 64 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
          if (sent < 64 * 1024 * 1024) res.once('drain', pump);
          else res.end();
        };
        res.on('close', () => (sent = Infinity));
        pump();
      } else if (req.url?.includes('/broken/')) {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAVAILABLE","message":"down"}]}');
      } else if (req.url?.includes('/basic/')) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="x"' }).end();
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function failure(gun: string, role = 'root'): Promise<SignetError> {
    const fetcher = new NotaryServerFetcher({ server: url, gun });
    const error = await fetcher.get({ role }, LIMITS.rootBytes).catch((e: unknown) => e);
    await fetcher.close();
    expect(error).toBeInstanceOf(SignetError);
    return error as SignetError;
  }

  describe('when the server sends endless data', () => {
    it('stops at the role limit and refuses it as invalid', async () => {
      const error = await failure('example.com/endless');
      expect(error.code).toBe('notary-too-large');
      expect(error.kind).toBe('invalid');
    });
  });

  describe('when the server answers 503', () => {
    it('is inconclusive and names the status and the error codes', async () => {
      const error = await failure('example.com/broken');
      expect(error.kind).toBe('inconclusive');
      expect(error.message).toMatch(/answered 503 \(UNAVAILABLE\)/);
    });
  });

  describe('when the server asks for Basic auth', () => {
    it('is a usage error: only token auth is supported', async () => {
      const error = await failure('example.com/basic');
      expect(error.code).toBe('notary-unauthorized');
      expect(error.message).toContain('without a Bearer challenge');
    });
  });

  describe('when a role name tries to leave the GUN', () => {
    it('refuses it before any request', async () => {
      const before = seen.length;
      const error = await failure('example.com/app', 'targets/../../other/_trust/tuf/root');
      expect(error.code).toBe('notary-bad-name');
      expect(seen.length).toBe(before);
    });
  });

  it('refuses plain http to a server that is not on loopback', () => {
    expect(() => new NotaryServerFetcher({ server: 'http://notary.example.com', gun: 'example.com/app' })).toThrow(/https/);
  });
});
