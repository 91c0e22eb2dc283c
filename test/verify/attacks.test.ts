// One test per attack on the deploy-side verifier (tuf-js over signet's store).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { metaFor, readJSON, resign, writeJSON } from '../support/attacker.js';
import { initTrustRepository } from '../../src/workflows/init.js';
import { signImages } from '../../src/workflows/sign.js';
import { Keystore } from '../../src/keys/keystore.js';
import { generateEd25519 } from '../../src/keys/ed25519.js';
import { ed25519Signer } from '../../src/keys/signer.js';
import type { Envelope, SnapshotJSON, TargetsJSON, TimestampJSON } from '../../src/metadata/types.js';

let s: SignetEnv;
let trust: string;
const DAY = 86400_000;

beforeEach(async () => {
  s = await makeSignetEnv();
  trust = join(s.dir, 'trust');
});
afterEach(async () => {
  await s.cleanup();
});

async function setup(now = new Date()): Promise<void> {
  await initTrustRepository(trust, { scope: 'app' }, s.context(now));
  await signImages([s.ref('1.0')], {}, s.context(now));
}

/** The private keys signet generated, by role (as a thief would hold them). */
async function stolenSigner(role: string) {
  const keystore = new Keystore(s.home);
  const info = (await keystore.list()).find((k) => k.role === role)!;
  return (await keystore.unlock(info.keyId, async () => 'TEST-ONLY passphrase')).signer;
}

/** Publish a new snapshot + timestamp over whatever targets files are on disk (attacker with online keys). */
async function republishWithOnlineKeys(targetsVersion: number, targetsSigners?: Parameters<typeof resign>[1]): Promise<void> {
  const ts = await readJSON<Envelope<TimestampJSON>>(join(trust, 'timestamp.json'));
  const snapVersion = ts.signed.meta['snapshot.json']!.version;
  const snap = await readJSON<Envelope<SnapshotJSON>>(join(trust, `${snapVersion}.snapshot.json`));
  void targetsSigners;
  snap.signed.version += 1;
  snap.signed.meta['targets.json'] = { version: targetsVersion };
  await resign(snap, [await stolenSigner('snapshot')]);
  const snapBytes = await writeJSON(join(trust, `${snap.signed.version}.snapshot.json`), snap);
  ts.signed.version += 1;
  ts.signed.meta['snapshot.json'] = metaFor(snapBytes, snap.signed.version);
  await resign(ts, [await stolenSigner('timestamp')]);
  await writeJSON(join(trust, 'timestamp.json'), ts);
}

describe('arbitrary software: targets signed by a key the root does not list', () => {
  it('refuses it with exit 1', async () => {
    await setup();
    const targets = await readJSON<Envelope<TargetsJSON>>(join(trust, '2.targets.json'));
    targets.signed.version = 3;
    targets.signed.targets['app:evil'] = { length: 1, hashes: { sha256: '00'.repeat(32) } };
    const rogue = await generateEd25519();
    await resign(targets, [ed25519Signer(rogue.seed, rogue.publicKey)]);
    await writeJSON(join(trust, '3.targets.json'), targets);
    await republishWithOnlineKeys(3);
    const verify = await s.cli(['verify', s.ref('1.0')]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(/not signed by the trusted keys|signature/i);
  });
});

describe('freeze: the timestamp has expired', () => {
  it('refuses with exit 1, naming the role, the date and the fix', async () => {
    await setup(new Date(Date.now() - 2 * DAY));
    const verify = await s.cli(['verify', s.ref('1.0')]);
    expect(verify.code).toBe(1);
    const expires = (await readJSON<Envelope<TimestampJSON>>(join(trust, 'timestamp.json'))).signed.expires;
    expect(verify.stderr).toContain(`timestamp expired ${expires}`);
    expect(verify.stderr).toContain('signet timestamp');
  });
});

describe('rollback: an older timestamp served after a newer one was trusted', () => {
  it('refuses it with exit 1 and keeps the newer version', async () => {
    await setup();
    const old = await fs.readFile(join(trust, 'timestamp.json'));
    await signImages([s.ref('2.0')], {}, s.context());
    expect((await s.cli(['verify', s.ref('2.0')])).code).toBe(0);
    await fs.writeFile(join(trust, 'timestamp.json'), old);
    const verify = await s.cli(['verify', s.ref('1.0')]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain('rollback');
  });
});

describe('rollback: a newer timestamp pointing at an older snapshot', () => {
  it('refuses it with exit 1', async () => {
    await setup();
    await signImages([s.ref('2.0')], {}, s.context());
    expect((await s.cli(['verify', s.ref('2.0')])).code).toBe(0);
    // The attacker holds the timestamp key and re-points it at snapshot v2 (current is v3).
    const ts = await readJSON<Envelope<TimestampJSON>>(join(trust, 'timestamp.json'));
    const oldSnap = await fs.readFile(join(trust, '2.snapshot.json'));
    ts.signed.version += 1;
    ts.signed.meta['snapshot.json'] = metaFor(oldSnap, 2);
    await resign(ts, [await stolenSigner('timestamp')]);
    await writeJSON(join(trust, 'timestamp.json'), ts);
    const verify = await s.cli(['verify', s.ref('1.0')]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain('rollback');
  });
});

describe('mix-and-match: a snapshot that does not match the timestamp hash', () => {
  it('refuses it with exit 1', async () => {
    await setup();
    const ts = await readJSON<Envelope<TimestampJSON>>(join(trust, 'timestamp.json'));
    const name = `${ts.signed.meta['snapshot.json']!.version}.snapshot.json`;
    const snap = await readJSON<Envelope<SnapshotJSON>>(join(trust, name));
    snap.signed.expires = '2099-01-01T00:00:00Z';
    await writeJSON(join(trust, name), snap);
    const verify = await s.cli(['verify', s.ref('1.0')]);
    expect(verify.code).toBe(1);
  });
});

describe('endless data: a timestamp larger than the limit', () => {
  it('refuses it with exit 1 without reading it all', async () => {
    await setup();
    await fs.writeFile(join(trust, 'timestamp.json'), Buffer.alloc(1024 * 1024, 0x20));
    const verify = await s.cli(['verify', s.ref('1.0')]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(/larger than/);
  });
});

describe('below threshold: targets carries no valid signature', () => {
  it('refuses it with exit 1', async () => {
    await setup();
    const targets = await readJSON<Envelope<TargetsJSON>>(join(trust, '2.targets.json'));
    targets.signed.version = 3;
    targets.signatures = [];
    await writeJSON(join(trust, '3.targets.json'), targets);
    await republishWithOnlineKeys(3);
    const verify = await s.cli(['verify', s.ref('1.0')]);
    expect(verify.code).toBe(1);
  });
});

describe('inconclusive: the trust store cannot be read', () => {
  it('exits 3, not 1, when the store location is unreadable', async () => {
    await setup();
    await fs.rm(trust, { recursive: true });
    await fs.writeFile(trust, 'not a directory');
    const verify = await s.cli(['verify', s.ref('1.0')]);
    expect(verify.code).toBe(3);
    expect(verify.stderr).toContain('could not read');
  });
});
