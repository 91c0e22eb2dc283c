// CA files with no usable certificate (issue 13, N7): `--tls-ca` and
// `--ca-file` are checked when read, and a bad one is a configuration error
// naming the file (exit 2) before any connection, as the notary client refuses
// a bad --tlscacert; it used to surface later as exit 3 ("retry").

import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { certificatePemOf, craftFiles, onlineKeys, rootCertificateKey } from '../support/notary-crafter.js';
import { startFakeNotaryServer, type FakeNotaryServer } from '../support/fake-notary-server.js';
import { requireBinary } from '../support/notary-server.js';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

const GUN = '127.0.0.1:5000/cafile/app';

/** The real notary client with `--tlscacert ca`: whether it exits 0. */
function notaryWithCa(server: FakeNotaryServer, trustDir: string, ca: string): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile(requireBinary('notary'), ['-s', server.url, '-d', trustDir, '--tlscacert', ca, 'list', GUN], { timeout: 30_000, env: { PATH: process.env['PATH'] ?? '', HOME: trustDir } }, (error, stdout, stderr) =>
      resolve({ ok: !error, output: `${stdout}${stderr}` }),
    );
  });
}

describe('CA files for the Notary server', () => {
  let server: FakeNotaryServer;
  let s: SignetEnv;
  let pinFile: string;
  let goodCa: string;

  beforeAll(async () => {
    [server, s] = await Promise.all([startFakeNotaryServer(), makeSignetEnv()]);
    const rootKey = await rootCertificateKey(GUN, 3650);
    server.serve(GUN, craftFiles({ root: rootKey, rootVersion: 1, keys: onlineKeys(), roles: [{ name: 'targets', version: 1, targets: {} }], snapshotVersion: 1, timestampVersion: 1 }));
    pinFile = join(s.dir, 'root.crt');
    await writeFile(pinFile, certificatePemOf(rootKey));
    goodCa = await readFile(server.caFile, 'utf8');
  }, 60_000);
  afterAll(async () => {
    await s?.cleanup();
    await server?.stop();
  });
  beforeEach(() => {
    server.requests.length = 0;
  });

  const migrate = (flags: string[]) => s.cli(['migrate', 'notary', GUN, '--server', server.url, '--root-cert', pinFile, '--dry-run', ...flags]);

  it('a good --tls-ca works (the baseline), for notary and signet', async () => {
    expect((await notaryWithCa(server, join(s.dir, 'notary-good'), server.caFile)).ok).toBe(true);
    const result = await migrate(['--tls-ca', server.caFile]);
    expect(result.code, result.stderr).toBe(0);
  });

  describe('when --tls-ca holds no certificate (a private key, or text)', () => {
    it('notary refuses it; signet exits 2 naming the file, without connecting', async () => {
      const file = join(s.dir, 'not-a-ca.pem');
      await writeFile(file, '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIH8z\n-----END PRIVATE KEY-----\n');
      expect((await notaryWithCa(server, join(s.dir, 'notary-key'), file)).ok).toBe(false);
      const result = await migrate(['--tls-ca', file]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(`--tls-ca ${file} holds no PEM certificate`);
      expect(server.requests).toEqual([]);
    });
  });

  describe('when --tls-ca has a broken block after a good certificate', () => {
    it('signet exits 2 naming the file and the line (notary silently skips the broken block)', async () => {
      const file = join(s.dir, 'broken.pem');
      await writeFile(file, `${goodCa}-----BEGIN CERTIFICATE-----\nMIIBnotbase64!!\n-----END CERTIFICATE-----\n`);
      // Deliberately stricter than notary (Go's AppendCertsFromPEM skips what it cannot parse): a damaged
      // trust file is a configuration error to fix, not something to half-use.
      expect((await notaryWithCa(server, join(s.dir, 'notary-broken'), file)).ok).toBe(true);
      server.requests.length = 0;
      const result = await migrate(['--tls-ca', file]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`--tls-ca ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: the certificate at line \\d+ is not a valid X\\.509 certificate`));
      expect(server.requests).toEqual([]);
    });
  });

  describe('when --ca-file has an unterminated block', () => {
    it('signet exits 2 naming the file', async () => {
      const file = join(s.dir, 'unterminated.pem');
      await writeFile(file, `${goodCa}-----BEGIN CERTIFICATE-----\nMIIB\n`);
      const result = await migrate(['--ca-file', file]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(`--ca-file ${file}: the CERTIFICATE block at line`);
      expect(server.requests).toEqual([]);
    });
  });
});
