// Findings 3 and 10 of issue 12: the snapshot pins length and sha256 of
// every targets role and bin (TUF 4.4), so whoever can write to the store
// cannot swap the current targets file in place: not with the targets key
// alone (verifiers and the owner's next `signet sign` refuse it), and not
// with a huge unsigned file (refused by its length before it is parsed).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';
import { Keystore } from '../../src/keys/keystore.js';
import { addToLayout, sampleManifest } from '../../src/image/sample-images.js';
import { signEnvelope } from '../../src/metadata/signing.js';
import type { Envelope, SnapshotJSON, TargetsJSON, TimestampJSON } from '../../src/metadata/types.js';
import { makeSignetEnv, TEST_PASSPHRASE, type SignetEnv } from '../support/signet-env.js';

let s: SignetEnv;
let trust: string;
let pin: string;
const fresh = (home: string, tag: string) =>
  runCli(['verify', s.ref(tag), '--trust-repo', trust, '--root', pin], { env: { SIGNET_HOME: join(s.dir, home), PATH: process.env['PATH'] ?? '' }, cwd: s.dir });

async function readJSON<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

/** The current N.targets.json of the store, as the snapshot names it. */
async function currentTargetsPath(): Promise<string> {
  const timestamp = await readJSON<Envelope<TimestampJSON>>(join(trust, 'timestamp.json'));
  const snapshot = await readJSON<Envelope<SnapshotJSON>>(join(trust, `${timestamp.signed.meta['snapshot.json']!.version}.snapshot.json`));
  return join(trust, `${snapshot.signed.meta['targets.json']!.version}.targets.json`);
}

beforeAll(async () => {
  s = await makeSignetEnv();
  trust = join(s.dir, 'trust');
  const init = await s.cli(['init', trust, '--scope', 'app', '--json']);
  expect(init.code, init.stderr).toBe(0);
  pin = (JSON.parse(init.stdout) as { rootPath: string }).rootPath;
  expect((await s.cli(['sign', s.ref('1.0')])).code).toBe(0);
  await addToLayout(s.layout, 'evil', sampleManifest('never signed by the owner'));
}, 300_000);
afterAll(async () => s?.cleanup());

describe('forged in place with the targets key and push rights', { timeout: 300_000 }, () => {
  it('is refused by a fresh verifier (exit 1) and by the owner\'s next signet sign', async () => {
    const path = await currentTargetsPath();
    const original = await readFile(path);
    // The attacker holds the targets key (and nothing else) and can write the store.
    const keystore = new Keystore(s.home);
    const targetsKey = (await keystore.list()).find((k) => k.role === 'targets')!;
    const { signer } = await keystore.unlock(targetsKey.keyId, async () => TEST_PASSPHRASE);
    const forged = JSON.parse(original.toString('utf8')) as Envelope<TargetsJSON>;
    const evil = await readJSON<{ manifests: Array<{ digest: string; size: number; mediaType: string; annotations?: Record<string, string> }> }>(join(s.layout, 'index.json'));
    const descriptor = evil.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === 'evil')!;
    // Top-level targets is searched before the bins it delegates to.
    forged.signed.targets['app:evil'] = { length: descriptor.size, hashes: { sha256: descriptor.digest.slice('sha256:'.length) }, custom: { mediaType: descriptor.mediaType } };
    await signEnvelope(forged, [signer], false);
    await writeFile(path, JSON.stringify(forged));

    const verify = await fresh('fresh-forged', 'evil');
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(/targets\.json .*is larger than \d+ bytes|does not match what the role above it records/);
    expect((await fresh('fresh-forged-2', '1.0')).code).toBe(1);

    const sign = await s.cli(['sign', s.ref('2.0')]);
    expect(sign.code).toBe(1);
    expect(sign.stderr).toMatch(/targets\.json .*is larger than \d+ bytes|targets (is \d+ bytes, expected \d+|does not match the sha256 its parent role records)/);
    await writeFile(path, original);
    expect((await fresh('fresh-restored', '1.0')).code).toBe(0);
  });
});

describe('a 60,000-entry unsigned targets file in place of the current one', { timeout: 300_000 }, () => {
  it('is refused by its pinned length before it is parsed (exit 1)', async () => {
    const path = await currentTargetsPath();
    const original = await readFile(path);
    const huge = JSON.parse(original.toString('utf8')) as Envelope<TargetsJSON>;
    const entry = { length: 1234, hashes: { sha256: 'ab'.repeat(32) }, custom: { mediaType: 'application/vnd.oci.image.manifest.v1+json' } };
    for (let i = 0; i < 60_000; i++) huge.signed.targets[`app:filler-${i}`] = entry;
    huge.signatures = [];
    await writeFile(path, JSON.stringify(huge));
    try {
      const verify = await fresh('fresh-huge', '1.0');
      expect(verify.code).toBe(1);
      // Refused on length (the download is capped at the pinned length), never on signatures after a parse.
      expect(verify.stderr).toMatch(/targets\.json .*is larger than \d+ bytes/);
      expect(verify.stderr).not.toMatch(/not signed by the trusted keys/);
    } finally {
      await writeFile(path, original);
    }
  });
});

describe('a repository written before snapshots pinned hashes', { timeout: 300_000 }, () => {
  it('pins every targets role and bin on its next publish', async () => {
    const old = await makeSignetEnv();
    try {
      const store = join(old.dir, 'trust');
      expect((await old.cli(['init', store, '--scope', 'app', '--bins', '4'])).code).toBe(0);
      expect((await old.cli(['sign', old.ref('1.0')])).code).toBe(0);
      // Rewrite the current snapshot as older signet wrote it (versions only), with the owner's keys.
      const keystore = new Keystore(old.home);
      const signerOf = async (role: string) => (await keystore.unlock((await keystore.list()).find((k) => k.role === role)!.keyId, async () => TEST_PASSPHRASE)).signer;
      const timestamp = await readJSON<Envelope<TimestampJSON>>(join(store, 'timestamp.json'));
      const current = timestamp.signed.meta['snapshot.json']!.version;
      const snapshot = await readJSON<Envelope<SnapshotJSON>>(join(store, `${current}.snapshot.json`));
      for (const [file, meta] of Object.entries(snapshot.signed.meta)) snapshot.signed.meta[file] = { version: meta.version };
      snapshot.signed.version = current + 1;
      await signEnvelope(snapshot, [await signerOf('snapshot')], false);
      const snapshotBytes = Buffer.from(JSON.stringify(snapshot));
      await writeFile(join(store, `${current + 1}.snapshot.json`), snapshotBytes);
      const { createHash } = await import('node:crypto');
      timestamp.signed.meta['snapshot.json'] = { version: current + 1, length: snapshotBytes.length, hashes: { sha256: createHash('sha256').update(snapshotBytes).digest('hex') } };
      timestamp.signed.version += 1;
      await signEnvelope(timestamp, [await signerOf('timestamp')], false);
      await writeFile(join(store, 'timestamp.json'), JSON.stringify(timestamp));
      expect(Object.keys(snapshot.signed.meta)).toHaveLength(5);

      expect((await old.cli(['sign', old.ref('2.0')])).code).toBe(0);
      const after = await readJSON<Envelope<TimestampJSON>>(join(store, 'timestamp.json'));
      const upgraded = await readJSON<Envelope<SnapshotJSON>>(join(store, `${after.signed.meta['snapshot.json']!.version}.snapshot.json`));
      expect(Object.keys(upgraded.signed.meta)).toHaveLength(5);
      for (const [file, meta] of Object.entries(upgraded.signed.meta)) {
        const bytes = await readFile(join(store, `${meta.version}.${file}`));
        const { createHash: hash } = await import('node:crypto');
        expect({ file, meta }).toEqual({ file, meta: { version: meta.version, length: bytes.length, hashes: { sha256: hash('sha256').update(bytes).digest('hex') } } });
      }
      expect((await old.cli(['verify', old.ref('1.0'), old.ref('2.0')])).code).toBe(0);
    } finally {
      await old.cleanup();
    }
  });
});
