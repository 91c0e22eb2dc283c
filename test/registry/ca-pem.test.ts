// The CA bundle check (SSL_CERT_FILE, --ca-file, --tls-ca) is structural
// (strict base64 + the DER frame of an X.509 certificate) so that reading the
// system bundle costs nothing on every command; these cases show it still
// accepts real certificates made by openssl and refuses each kind of damage
// with the file and the line.

import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caCertificatesFrom } from '../../src/registry/ca-pem.js';
import { requireBinary, run } from '../support/registry-server.js';

let dir: string;
const certs: string[] = [];

beforeAll(async () => {
  requireBinary('/usr/bin/openssl', 'openssl');
  dir = await mkdtemp(join(tmpdir(), 'signet-ca-pem-'));
  for (const [i, key] of [['rsa:2048'], ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], ['ed25519']].entries()) {
    const out = join(dir, `ca${i}.crt`);
    await run('openssl', ['req', '-x509', '-newkey', key[0]!, ...key.slice(1), '-nodes', '-keyout', join(dir, `ca${i}.key`), '-out', out, '-days', '2', '-subj', `/CN=signet-test-ca-${i}`]);
    certs.push((await readFile(out, 'utf8')).trim());
  }
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The base64 body of a PEM certificate, re-wrapped after `change`. */
function withBody(pem: string, change: (der: Buffer) => Buffer): string {
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----/g, ''), 'base64');
  const b64 = change(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----`;
}

describe('caCertificatesFrom', () => {
  it('keeps every certificate of a bundle (RSA, EC, Ed25519) and leaves out keys and comments', async () => {
    const key = (await readFile(join(dir, 'ca0.key'), 'utf8')).trim();
    const bundle = `# a comment line\n${certs[0]}\n${key}\n${certs[1]}\n\n${certs[2]}\n`;
    const out = caCertificatesFrom(bundle, 'SSL_CERT_FILE bundle.pem');
    const blocks = out.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
    expect(blocks).toEqual(certs);
    expect(out).not.toContain('PRIVATE KEY');
    for (const block of blocks) expect(new X509Certificate(block).subject).toMatch(/signet-test-ca-\d/);
  });

  it('refuses a block that is not base64, naming the file and the line', () => {
    const bundle = `${certs[0]}\n-----BEGIN CERTIFICATE-----\nMIIBnotbase64!!\n-----END CERTIFICATE-----\n`;
    const lines = certs[0]!.split('\n').length + 1;
    expect(() => caCertificatesFrom(bundle, '--ca-file /x/ca.pem')).toThrow(new RegExp(`^--ca-file /x/ca\\.pem: the certificate at line ${lines} is not a valid X\\.509 certificate \\(the block is not base64\\)`));
  });

  it.each([
    ['truncated by one byte', (der: Buffer) => der.subarray(0, der.length - 1)],
    ['a byte appended', (der: Buffer) => Buffer.concat([der, Buffer.from([0])])],
    ['the outer tag changed', (der: Buffer) => Buffer.concat([Buffer.from([0x31]), der.subarray(1)])],
    ['only the tbsCertificate', (der: Buffer) => {
      const inner = der.subarray(4);
      return Buffer.from(inner.subarray(0, 4 + inner.readUInt16BE(2)));
    }],
    ['random bytes', () => Buffer.from('3082010a0282010100c0ffee', 'hex')],
  ])('refuses a certificate block that is %s', (_name, change) => {
    const bundle = `${certs[1]}\n${withBody(certs[0]!, change)}\n`;
    expect(() => caCertificatesFrom(bundle, 'SSL_CERT_FILE b.pem')).toThrow(/^SSL_CERT_FILE b\.pem: the certificate at line \d+ is not a valid X\.509 certificate/);
  });

  it('a well-framed block with garbage inside: the structural check passes it, a file named on the command line (parse) is refused', () => {
    // SEQUENCE { SEQUENCE { 00 01 02 }, SEQUENCE { }, BIT STRING { 00 } }: the frame of a certificate, nothing inside.
    const fake = Buffer.from('300b3003000102300003020000'.replace(/\s/g, ''), 'hex');
    const block = `-----BEGIN CERTIFICATE-----\n${fake.toString('base64')}\n-----END CERTIFICATE-----`;
    expect(() => caCertificatesFrom(`${certs[0]}\n${block}\n`, 'SSL_CERT_FILE s.pem')).not.toThrow();
    expect(() => caCertificatesFrom(`${certs[0]}\n${block}\n`, '--ca-file c.pem', { parse: true })).toThrow(/^--ca-file c\.pem: the certificate at line \d+ is not a valid X\.509 certificate/);
    expect(() => caCertificatesFrom(certs.join('\n'), '--ca-file c.pem', { parse: true })).not.toThrow();
  });

  it('a re-wrapped good certificate still passes (the frame check is not the PEM layout)', () => {
    expect(() => caCertificatesFrom(withBody(certs[2]!, (der) => der), 'f')).not.toThrow();
  });

  it('refuses an unterminated block and a bundle with no certificate', () => {
    expect(() => caCertificatesFrom(`${certs[0]}\n-----BEGIN CERTIFICATE-----\nMIIB\n`, 'f.pem')).toThrow(/^f\.pem: the CERTIFICATE block at line \d+ has no "-----END CERTIFICATE-----" line/);
    expect(() => caCertificatesFrom('-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIH8z\n-----END PRIVATE KEY-----\n', 'k.pem')).toThrow(/^k\.pem holds no PEM certificate/);
    expect(() => caCertificatesFrom('', 'e.pem')).toThrow(/holds no PEM certificate/);
  });
});
