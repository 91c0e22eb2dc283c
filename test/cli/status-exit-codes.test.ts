// `signet status` exit codes are the ones its help lists: 0, 1 (--check),
// 2 (usage), and 3 when the trust store cannot be read.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { readPolicy } from '../../src/policy/trust-policy.js';

let s: SignetEnv;
let root: string;
beforeAll(async () => {
  s = await makeSignetEnv();
  expect((await s.cli(['init', join(s.dir, 'trust'), '--scope', 'app'])).code).toBe(0);
  root = (await readPolicy(join(s.home, 'policy.json'))).trust[0]!.root;
});
afterAll(async () => s.cleanup());

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

describe('signet status exit codes', () => {
  it('lists 0, 1, 2 and 3 in its help', async () => {
    const help = await s.cli(['status', '--help']);
    expect(help.stdout).toMatch(/Exit codes: 0 .*; 1 .*; 2 .*; 3 the trust store could not be read/);
  });

  it('exits 0 for a fresh repository, with --check too', async () => {
    expect((await s.cli(['status', '--check'])).code).toBe(0);
  });

  it('exits 3 (inconclusive) when the trust store cannot be reached, as its help says', async () => {
    const status = await s.cli(['status', '--check', '--trust-repo', `http://127.0.0.1:${await closedPort()}/trust`, '--root', root]);
    expect(status.code, status.stderr).toBe(3);
  });
});
