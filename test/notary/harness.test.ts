// The harness itself: the real notary CLI publishes to the real notary-server.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notaryCli, startNotaryServer, type NotaryCli, type NotaryServer } from '../support/notary-server.js';

describe('the notary test harness', () => {
  let server: NotaryServer;
  let cli: NotaryCli;
  beforeAll(async () => {
    server = await startNotaryServer();
    cli = await notaryCli(server);
  }, 60_000);
  afterAll(async () => {
    await cli?.cleanup();
    await server?.stop();
  });

  it('publishes a tag with the real notary CLI and lists it back', async () => {
    const gun = '127.0.0.1:5000/harness/app';
    await cli.run('init', gun);
    await cli.run('addhash', gun, 'v1', '10', '--sha256', 'a'.repeat(64));
    await cli.run('publish', gun);
    expect(await cli.run('list', gun)).toContain('a'.repeat(64));
  }, 60_000);
});
