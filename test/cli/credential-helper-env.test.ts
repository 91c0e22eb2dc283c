// Finding 8 of the trust-path review: a docker credential helper is a
// third-party program; it must never see signet's signing passphrases or PINs.
// A helper named in DOCKER_CONFIG records the environment it was started with.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

let s: SignetEnv;
let server: Server;
let host: string;

beforeEach(async () => {
  s = await makeSignetEnv();
  // A registry that wants Basic credentials for everything, so the helper is asked.
  server = createServer((_req, res) => void res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  host = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await s.cleanup();
});

describe('when the docker config names a credential helper for the registry', () => {
  it('runs it without SIGNET_PASSPHRASE*, SIGNET_PKCS11_PIN or any SIGNET_* variable, but with PATH and HOME', async () => {
    const bin = join(s.dir, 'bin');
    const dump = join(s.dir, 'helper-env.txt');
    await fs.mkdir(bin);
    await fs.writeFile(join(bin, 'docker-credential-envdump'), `#!/bin/sh\nenv > '${dump}'\necho '{"Username":"u","Secret":"TEST-ONLY-helper-secret"}'\n`, { mode: 0o755 });
    const docker = join(s.dir, 'docker');
    await fs.mkdir(docker);
    await fs.writeFile(join(docker, 'config.json'), JSON.stringify({ credHelpers: { [host]: 'envdump' } }));

    const init = await s.cli(['init', join(s.dir, 'trust'), '--scope', 'team/app']);
    expect(init.code, init.stderr).toBe(0);
    const result = await s.cli(['verify', `${host}/team/app:1.0`], {
      env: {
        PATH: `${bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
        HOME: s.dir,
        DOCKER_CONFIG: docker,
        SIGNET_PASSPHRASE: 'TEST-ONLY-passphrase-all',
        SIGNET_PASSPHRASE_TARGETS: 'TEST-ONLY-passphrase-targets',
        SIGNET_PKCS11_PIN: 'TEST-ONLY-pin',
        SOME_UNRELATED_TOKEN: 'TEST-ONLY-unrelated',
      },
    });
    // The registry refuses whatever the helper gives; what matters is what the helper saw.
    expect(result.code).not.toBe(0);
    const seen = await fs.readFile(dump, 'utf8');
    expect(seen).not.toContain('TEST-ONLY-passphrase');
    expect(seen).not.toContain('TEST-ONLY-pin');
    expect(seen).not.toContain('TEST-ONLY-unrelated');
    expect(seen).not.toMatch(/^SIGNET_/m);
    expect(seen).toMatch(/^PATH=/m);
    expect(seen).toMatch(new RegExp(`^HOME=${s.dir}$`, 'm'));
    expect(result.stderr + result.stdout).not.toContain('TEST-ONLY-helper-secret');
  });
});
