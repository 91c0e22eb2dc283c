// Finding 6 of issue 12, the SECURITY.md playbook with a stolen timestamp key
// used to publish a timestamp of version 2^53+1: verifiers refuse it (exit 1)
// instead of remembering it; `signet root publish` of a root that rotates the
// timestamp key still works; and `signet repair` mends a store whose current
// timestamp a writer with push rights (no keys) broke.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';
import { Keystore } from '../../src/keys/keystore.js';
import { signEnvelope } from '../../src/metadata/signing.js';
import type { Envelope, TimestampJSON } from '../../src/metadata/types.js';
import { makeSignetEnv, TEST_PASSPHRASE, type SignetEnv } from '../support/signet-env.js';

let s: SignetEnv;
let trust: string;
let pin: string;
const UNSAFE = '9007199254740993'; // 2^53 + 1
const verifyAs = (home: string) =>
  runCli(['verify', s.ref('1.0'), '--trust-repo', trust, '--root', pin], { env: { SIGNET_HOME: join(s.dir, home), PATH: process.env['PATH'] ?? '' }, cwd: s.dir });

beforeAll(async () => {
  s = await makeSignetEnv();
  trust = join(s.dir, 'trust');
  const init = await s.cli(['init', trust, '--scope', 'app', '--json']);
  expect(init.code, init.stderr).toBe(0);
  pin = (JSON.parse(init.stdout) as { rootPath: string }).rootPath;
  expect((await s.cli(['sign', s.ref('1.0')])).code).toBe(0);
  expect((await verifyAs('deploy')).code).toBe(0);
}, 300_000);
afterAll(async () => s?.cleanup());

describe('a timestamp of version 2^53+1 signed with the stolen timestamp key', { timeout: 300_000 }, () => {
  it('is refused by verifiers; the playbook rotates the key out and verifiers recover', async () => {
    const keystore = new Keystore(s.home);
    const keys = await keystore.list();
    const oldTimestamp = keys.find((k) => k.role === 'timestamp')!;
    const { signer } = await keystore.unlock(oldTimestamp.keyId, async () => TEST_PASSPHRASE);
    const timestamp = JSON.parse(await readFile(join(trust, 'timestamp.json'), 'utf8')) as Envelope<TimestampJSON>;
    // JSON.parse rounds 2^53+1 to 2^53: the signature over the rounded value is what tuf-js checks.
    timestamp.signed.version = 2 ** 53;
    await signEnvelope(timestamp, [signer], false);
    await writeFile(join(trust, 'timestamp.json'), JSON.stringify(timestamp).replace('"version":9007199254740992', `"version":${UNSAFE}`));

    for (const home of ['deploy', 'fresh']) {
      const refused = await verifyAs(home);
      expect({ home, code: refused.code }).toEqual({ home, code: 1 });
      expect(refused.stderr).toMatch(/timestamp\.json .*holds the number 9007199254740993/);
    }
    // The writer cannot build on it either: a routine sign is refused.
    expect((await s.cli(['sign', s.ref('2.0')])).code).toBe(1);

    // SECURITY.md, "timestamp or snapshot key": a new key, rotated in through root, published.
    const generated = await s.cli(['key', 'generate', '--role', 'timestamp', '--repository', 'app', '--public-out', join(s.dir, 'ts2.pub.json')]);
    expect(generated.code, generated.stderr).toBe(0);
    const rotate = await s.cli(['root', 'rotate', join(trust, '1.root.json'), '-o', join(s.dir, 'root-v2.json'), '--add-key', `timestamp=${join(s.dir, 'ts2.pub.json')}`, '--remove-key', `timestamp=${oldTimestamp.keyId}`]);
    expect(rotate.code, rotate.stderr).toBe(0);
    const rootKey = keys.find((k) => k.role === 'root')!;
    const sign = await s.cli(['root', 'sign', join(s.dir, 'root-v2.json'), '--key', rootKey.keyId, '--previous', join(trust, '1.root.json')]);
    expect(sign.code, sign.stderr).toBe(0);
    const publish = await s.cli(['root', 'publish', join(s.dir, 'root-v2.json'), '--trust-repo', trust, '--root', pin]);
    expect(publish.code, publish.stderr).toBe(0);
    expect(publish.stderr).toMatch(/replacing timestamp\.json/);

    for (const home of ['deploy', 'fresh']) expect({ home, code: (await verifyAs(home)).code }).toEqual({ home, code: 0 });
    expect((await s.cli(['sign', s.ref('2.0')])).code).toBe(0);
  });

  it('signet repair mends a timestamp a keyless writer broke, and verifiers accept the result', async () => {
    await writeFile(join(trust, 'timestamp.json'), `{"signed":{"_type":"timestamp","version":${UNSAFE}},"signatures":[]}`);
    expect((await verifyAs('deploy')).code).toBe(1);
    expect((await s.cli(['timestamp'])).code).not.toBe(0);
    const repair = await s.cli(['repair', '--trust-repo', trust, '--root', pin, '--json']);
    expect(repair.code, repair.stderr).toBe(0);
    const report = JSON.parse(repair.stdout) as { replaced: string[]; timestamp: number };
    expect(report.replaced).toEqual(['timestamp']);
    expect(Number.isSafeInteger(report.timestamp)).toBe(true);
    expect((await verifyAs('deploy')).code).toBe(0);
    expect((await verifyAs('fresh-after-repair')).code).toBe(0);
    expect((await s.cli(['timestamp'])).code).toBe(0);
  });
});
