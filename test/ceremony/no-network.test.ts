// The ceremony commands work on files only: run the whole ceremony (keys,
// create, sign, verify, rotate, export/import/passwd) in-process with the
// network tripwire installed, and check that nothing tried to connect.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, get } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { installNetworkGuard, type NetworkGuard } from './network-guard.js';
import { createTwoOfThree, makeHolder, ok, usbOf } from './ceremony-support.js';

let s: SignetEnv;
let guard: NetworkGuard | undefined;
beforeEach(async () => {
  s = await makeSignetEnv();
});
afterEach(async () => {
  guard?.restore();
  guard = undefined;
  await s.cleanup();
});

describe('the network tripwire itself', () => {
  it('catches fetch, undici, net.connect and node:http to a live loopback server', async () => {
    const server = createServer((_req, res) => res.end('hi'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      guard = installNetworkGuard();
      await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
      await expect(request(`http://127.0.0.1:${port}/`)).rejects.toThrow();
      expect(() => net.connect(port, '127.0.0.1')).toThrow(/network access/);
      await expect(
        new Promise((resolve, reject) => {
          const req = get(`http://127.0.0.1:${port}/`, resolve);
          req.on('error', reject);
        }),
      ).rejects.toThrow(/network access/);
      expect(guard.attempts.length).toBeGreaterThanOrEqual(4);
    } finally {
      guard?.restore();
      guard = undefined;
      server.close();
    }
  });
});

describe('the offline ceremony', () => {
  it('creates, signs, verifies and rotates a root, and manages keys, without any network access', async () => {
    guard = installNetworkGuard();
    const { holders, rootFile } = await createTwoOfThree(s);
    const [alice, bob, carol] = holders as [typeof holders[0], typeof holders[0], typeof holders[0]];
    await ok(alice.run(['root', 'sign', rootFile, '--key', alice.pub]));
    await ok(bob.run(['root', 'sign', rootFile, '--key', bob.pub]));
    await ok(s.cli(['root', 'verify', rootFile, '--json']));

    const dave = await makeHolder(s, 'dave');
    const root2 = join(await usbOf(s), 'root-v2.json');
    await ok(s.cli(['root', 'rotate', rootFile, '-o', root2, '--remove-key', `root=${alice.keyId.slice(0, 8)}`, '--add-key', `root=${dave.pub}`]));
    for (const h of [bob, carol, dave]) await ok(h.run(['root', 'sign', root2, '--key', h.pub, '--previous', rootFile]));
    await ok(s.cli(['root', 'verify', root2, '--previous', rootFile]));

    const backup = join(await usbOf(s), 'alice-backup.key');
    await ok(alice.run(['key', 'export', alice.pub, '--private', '-o', backup]));
    await ok(alice.run(['key', 'list', '--json']));
    await ok(s.cli(['key', 'import', backup], { env: { SIGNET_HOME: join(s.dir, 'restore'), SIGNET_PASSPHRASE_ROOT: 'TEST-ONLY alice passphrase' } }));
    await ok(s.cli(['key', 'passwd', alice.keyId.slice(0, 8)], { env: { SIGNET_HOME: alice.home, SIGNET_PASSPHRASE_ROOT: 'TEST-ONLY alice passphrase', SIGNET_NEW_PASSPHRASE: 'TEST-ONLY new' } }));

    // Starting a directory-store repository from the ceremony root is files-only too.
    await ok(s.cli(['init', join(s.dir, 'trust'), '--root-file', rootFile, '--scope', 'app']));
    await ok(s.cli(['root', 'publish', root2, '--trust-repo', join(s.dir, 'trust')]));

    expect(guard.attempts).toEqual([]);
  });
});
