// ECDSA P-256 software keys beside ed25519: the TUF form the reference
// implementations use (keytype ecdsa, scheme ecdsa-sha2-nistp256, SPKI PEM,
// DER signatures), counted by the writer's threshold checks, accepted by a
// stock tuf-js client.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { stockTufJsTarget } from '../support/stock-tuf-js.js';
import { canonicalBytes } from '../../src/metadata/canonical-json.js';
import { checkThreshold, signEnvelope } from '../../src/metadata/signing.js';
import { ecdsaSigner, ed25519Signer, publicKeyOfSecret } from '../../src/keys/signer.js';
import { generateEcdsaP256 } from '../../src/keys/ecdsa.js';
import { generateEd25519 } from '../../src/keys/ed25519.js';
import { ecdsaKeyJSON, verifySignature } from '../../src/keys/key-schemes.js';
import { keyIdOf } from '../../src/keys/key-id.js';
import type { Envelope, KeyJSON } from '../../src/metadata/types.js';

let s: SignetEnv;
beforeEach(async () => {
  s = await makeSignetEnv();
});
afterEach(async () => {
  await s.cleanup();
});

function p256(): { signer: ReturnType<typeof ecdsaSigner>; key: KeyJSON } {
  const { scalar, publicKey } = generateEcdsaP256();
  return { signer: ecdsaSigner(scalar, publicKey), key: publicKey };
}

describe('a trust repository whose keys are ECDSA P-256 files', () => {
  it('signs an image that `signet verify` and a stock tuf-js client both accept', async () => {
    const trust = join(s.dir, 'trust');
    const init = await s.cli(['init', trust, '--scope', 'app', '--key-type', 'ecdsa', '--json']);
    expect(init.code, init.stderr).toBe(0);
    const signed = await s.cli(['sign', s.ref('1.0'), '--json']);
    expect(signed.code, signed.stderr).toBe(0);
    const verified = await s.cli(['verify', s.ref('1.0')]);
    expect(verified.code, verified.stderr).toBe(0);

    const root = JSON.parse(await readFile(join(trust, '1.root.json'), 'utf8'));
    for (const key of Object.values(root.signed.keys) as KeyJSON[]) {
      expect(key).toMatchObject({ keytype: 'ecdsa', scheme: 'ecdsa-sha2-nistp256' });
      expect(key.keyval.public).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/);
    }
    // DER: SEQUENCE (0x30) of two INTEGERs, as securesystemslib writes.
    expect(root.signatures[0].sig).toMatch(/^30[0-9a-f]{2}02/);

    const info = await stockTufJsTarget(trust, JSON.parse(init.stdout).rootPath, join(s.dir, 'stock'), 'app:1.0');
    expect(`sha256:${info?.hashes['sha256']}`).toBe(verified.stdout.trim().split('@')[1]);
  });

  it('lists the keys with their algorithm and where they live', async () => {
    await s.cli(['key', 'generate', '--role', 'targets', '--type', 'ecdsa']);
    const listed = await s.cli(['key', 'list', '--json']);
    expect(JSON.parse(listed.stdout).keys).toEqual([expect.objectContaining({ role: 'targets', algorithm: 'ecdsa-p256', location: 'file' })]);
  });

  it('imports a P-256 PKCS#8 key made by openssl under the key id of its TUF form', async () => {
    const pem = join(s.dir, 'p256.pem');
    execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', pem]);
    const pub = execFileSync('openssl', ['pkey', '-in', pem, '-pubout']).toString();
    const imported = await s.cli(['key', 'import', pem, '--role', 'snapshot', '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    const expected = keyIdOf({ keytype: 'ecdsa', scheme: 'ecdsa-sha2-nistp256', keyval: { public: pub } });
    expect(JSON.parse(imported.stdout)).toMatchObject({ keyId: expected, algorithm: 'ecdsa-p256' });
    expect(await readdir(join(s.home, 'keys'))).toEqual([`${expected}.key`]);
  });
});

describe('the writer counting signatures toward a threshold', () => {
  const envelope = (): Envelope<unknown> => ({ signed: { _type: 'targets', version: 1 }, signatures: [] });

  it('counts a P-256 signature (it was ignored when only ed25519 was checked)', async () => {
    const a = p256();
    const doc = envelope();
    await signEnvelope(doc, [a.signer]);
    const result = checkThreshold('targets', doc, { [a.signer.keyId]: a.key }, { keyids: [a.signer.keyId], threshold: 1 });
    expect(result).toMatchObject({ met: true, valid: [a.signer.keyId] });
  });

  it('counts a mixed 2-of-2 of ed25519 and P-256 keys, each key once', async () => {
    const { seed, publicKey } = await generateEd25519();
    const ed = ed25519Signer(seed, publicKey);
    const ec = p256();
    const doc = envelope();
    await signEnvelope(doc, [ed, ec.signer]);
    doc.signatures.push({ ...doc.signatures[1]! });
    const keys = { [ed.keyId]: ed.publicKey, [ec.signer.keyId]: ec.key };
    const result = checkThreshold('targets', doc, keys, { keyids: [ed.keyId, ec.signer.keyId], threshold: 2 });
    expect(result.valid.sort()).toEqual([ed.keyId, ec.signer.keyId].sort());
    expect(result.met).toBe(true);
  });

  it('wrong key: a P-256 signature over other bytes, or by another key, does not count', async () => {
    const a = p256();
    const b = p256();
    const doc = envelope();
    await signEnvelope(doc, [b.signer]);
    doc.signatures[0]!.keyid = a.signer.keyId;
    expect(checkThreshold('targets', doc, { [a.signer.keyId]: a.key }, { keyids: [a.signer.keyId], threshold: 1 }).met).toBe(false);
    const tampered = envelope();
    await signEnvelope(tampered, [a.signer]);
    (tampered.signed as { version: number }).version = 2;
    expect(checkThreshold('targets', tampered, { [a.signer.keyId]: a.key }, { keyids: [a.signer.keyId], threshold: 1 }).met).toBe(false);
  });
});

describe('the key-scheme dispatch', () => {
  const message = Buffer.from('signet');

  it('refuses a raw r‖s signature where TUF expects DER', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const raw = nodeSign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const der = nodeSign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
    expect(verifySignature(ecdsaKeyJSON(publicKey), message, der)).toBe(true);
    expect(verifySignature(ecdsaKeyJSON(publicKey), message, raw)).toBe(false);
  });

  it('does not count a P-384 key named as ecdsa-sha2-nistp256, nor an unknown scheme', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const sig = nodeSign('sha256', message, privateKey);
    expect(verifySignature(ecdsaKeyJSON(publicKey), message, sig)).toBe(false);
    const p = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const key = { ...ecdsaKeyJSON(p.publicKey), scheme: 'ecdsa-sha2-nistp384' };
    expect(verifySignature(key, message, nodeSign('sha256', message, p.privateKey))).toBe(false);
  });

  it('derives the public key of a P-256 secret the way node exports it', async () => {
    const { scalar, publicKey } = generateEcdsaP256();
    expect(await publicKeyOfSecret('ecdsa-p256', scalar)).toEqual(publicKey);
    expect(canonicalBytes(publicKey).toString()).toContain('"keytype":"ecdsa"');
  });
});
