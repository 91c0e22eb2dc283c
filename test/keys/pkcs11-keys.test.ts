// Keys on PKCS#11 tokens (SoftHSM2 as the token): generated on the token by
// signet or made outside it by pkcs11-tool and used by URI, signing every kind
// of role, verified by a stock tuf-js client; each failure a user meets exits
// 2 with a message saying what to do and nothing written.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { startSoftHsm, TEST_PIN, type SoftHsm } from '../support/softhsm.js';
import { stockTufJsTarget } from '../support/stock-tuf-js.js';
import { parsePkcs11Uri } from '../../src/keys/pkcs11/pkcs11-uri.js';
import { derSignature } from '../../src/keys/pkcs11/ec-encoding.js';
import { Keystore } from '../../src/keys/keystore.js';
import { importBinding, PKCS11JS_VERSION } from '../../src/keys/pkcs11/pkcs11-module.js';
import { closeOpenTokens } from '../../src/keys/token-loader.js';

let hsm: SoftHsm;
beforeAll(async () => {
  hsm = await startSoftHsm();
  hsm.initToken('signet-ci');
  hsm.initToken('signet-ops');
});
afterAll(async () => {
  await hsm.cleanup();
});

let s: SignetEnv;
beforeEach(async () => {
  s = await makeSignetEnv();
});
afterEach(async () => {
  await s.cleanup();
});

const pinEnv = { SIGNET_PKCS11_PIN: TEST_PIN };
let serial = 0;
const label = (what: string) => `${what}-${process.pid}-${++serial}`;

async function listing(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).sort();
}

describe('a key generated on a token by `signet key generate --pkcs11`', () => {
  it('works through the built CLI too (dist/signet.mjs loads the CLI bundle through node:vm, where import() of the addon had no loader)', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const env = { ...process.env, SIGNET_HOME: join(s.dir, 'built-cli-home'), ...pinEnv };
    const { stdout } = await promisify(execFile)(process.execPath, [join(process.cwd(), 'dist', 'signet.mjs'), 'key', 'generate', '--role', 'targets', '--pkcs11', hsm.uri('signet-ci', label('built')), '--json'], { env, timeout: 60_000 });
    expect(JSON.parse(stdout)).toMatchObject({ algorithm: 'ecdsa-p256', location: 'pkcs11' });
  });

  it('is recorded (no secret) and listed as living on the token', async () => {
    const generated = await s.cli(['key', 'generate', '--role', 'targets', '--pkcs11', hsm.uri('signet-ci', label('targets')), '--json'], { env: pinEnv });
    expect(generated.code, generated.stderr).toBe(0);
    const info = JSON.parse(generated.stdout);
    expect(info).toMatchObject({ algorithm: 'ecdsa-p256', location: 'pkcs11' });
    expect(info.pkcs11).toMatch(/^pkcs11:token=signet-ci;object=targets-[0-9-]+;id=(%[0-9a-f]{2}){8}\?module-path=/);
    const record = await readFile(info.path, 'utf8');
    expect(record).toContain('"format": "signet-token-key/v1"');
    expect(record).not.toContain(TEST_PIN);
    const listed = await s.cli(['key', 'list']);
    expect(listed.stdout).toMatch(new RegExp(`^${info.keyId}\\ttargets\\t-\\tecdsa-p256\\ttoken token=signet-ci;`, 'm'));
    // Its private half cannot be exported.
    const exported = await s.cli(['key', 'export', info.keyId, '--private']);
    expect(exported.code).toBe(2);
    expect(exported.stderr).toMatch(/never leaves the token/);
  });
});

describe('a trust repository whose targets key signet made on a token and whose snapshot key pkcs11-tool made', () => {
  // One repository for these tests (init and rotations unlock scrypt-encrypted keys: slow on a loaded machine).
  let r: SignetEnv;
  let trust: string;
  let rootPath: string;
  let targetsKey: string;
  let snapshotKey: string;
  beforeAll(async () => {
    r = await makeSignetEnv();
    const generated = await r.cli(['key', 'generate', '--role', 'targets', '--pkcs11', hsm.uri('signet-ci', label('targets')), '--json'], { env: pinEnv });
    expect(generated.code, generated.stderr).toBe(0);
    targetsKey = JSON.parse(generated.stdout).keyId;
    const object = label('ops');
    hsm.pkcs11ToolKeypair('signet-ops', object, 'a1b2');
    const imported = await r.cli(['key', 'import', hsm.uri('signet-ops', object), '--role', 'snapshot', '--json'], { env: pinEnv });
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ location: 'pkcs11', pkcs11: expect.stringContaining(';id=%a1%b2?') });
    snapshotKey = JSON.parse(imported.stdout).keyId;
    trust = join(r.dir, 'trust');
    const init = await r.cli(['init', trust, '--scope', 'app', '--json']);
    expect(init.code, init.stderr).toBe(0);
    rootPath = JSON.parse(init.stdout).rootPath;
    for (const [role, keyId] of [['targets', targetsKey], ['snapshot', snapshotKey]] as const) {
      const rotated = await r.cli(['key', 'rotate', role, '--key', keyId, '--trust-repo', trust], { env: pinEnv });
      expect(rotated.code, rotated.stderr).toBe(0);
    }
  }, 300_000);
  afterAll(async () => {
    await r?.cleanup();
  });

  it('wrong PIN while signing: exit 2 and the trust repository is unchanged', async () => {
    const before = await listing(trust);
    const signed = await r.cli(['sign', r.ref('1.0')], { env: { SIGNET_PKCS11_PIN: '000000' } });
    expect(signed.code, signed.stderr).toBe(2);
    expect(signed.stderr).toMatch(/wrong PIN/);
    expect(await listing(trust)).toEqual(before);
  });

  it('signs 1,000 tags in one call with the token targets key; signet and a stock tuf-js client verify them', async () => {
    // The sample layout has tags 1.0 and 2.0; 998 more tags of the 1.0 manifest make 1,000.
    const indexPath = join(r.layout, 'index.json');
    const index = JSON.parse(await readFile(indexPath, 'utf8'));
    const first = index.manifests[0];
    for (let i = 0; i < 998; i++) index.manifests.push({ ...first, annotations: { 'org.opencontainers.image.ref.name': `v${i}` } });
    await writeFile(indexPath, JSON.stringify(index));
    const signed = await r.cli(['sign', '--all-tags', `oci-layout:${r.layout}`, '--json'], { env: pinEnv });
    expect(signed.code, signed.stderr).toBe(0);
    expect(JSON.parse(signed.stdout).signed).toHaveLength(1000);
    const verified = await r.cli(['verify', r.ref('v997'), r.ref('v0'), r.ref('2.0')]);
    expect(verified.code, verified.stderr).toBe(0);

    const names = await listing(trust);
    const latest = (role: string) => Math.max(...names.filter((n) => n.endsWith(`.${role}.json`)).map((n) => Number(n.split('.')[0])));
    const snapshot = JSON.parse(await readFile(join(trust, `${latest('snapshot')}.snapshot.json`), 'utf8'));
    expect(snapshot.signatures.map((sig: { keyid: string }) => sig.keyid)).toEqual([snapshotKey]);
    const targets = JSON.parse(await readFile(join(trust, `${latest('targets')}.targets.json`), 'utf8'));
    expect(targets.signatures.map((sig: { keyid: string }) => sig.keyid)).toEqual([targetsKey]);
    const info = await stockTufJsTarget(trust, rootPath, join(r.dir, 'stock'), 'app:v500');
    expect(`sha256:${info?.hashes['sha256']}`).toBe(first.digest);
   }, 240_000);
});

describe('a key made outside signet by pkcs11-tool', () => {
  it('signs with a key that asks for the PIN at every signature (CKA_ALWAYS_AUTHENTICATE, as PIV slot 9c)', async () => {
    const object = label('always');
    hsm.pkcs11Tool(['--keypairgen', '--key-type', 'EC:prime256v1', '--label', object, '--id', 'e5f6', '--always-auth'], 'signet-ops');
    const imported = await s.cli(['key', 'import', hsm.uri('signet-ops', object), '--role', 'root', '--json'], { env: pinEnv });
    expect(imported.code, imported.stderr).toBe(0);
    const { signer } = await new Keystore(s.home).unlock(JSON.parse(imported.stdout).keyId, async () => TEST_PIN);
    for (let i = 0; i < 3; i++) expect((await signer.sign(Buffer.from(`message ${i}`))).length).toBeGreaterThan(8);
    await closeOpenTokens();
  });

  it('takes the PIN from the URI pin-source file instead of the environment', async () => {
    const object = label('pinsrc');
    hsm.pkcs11ToolKeypair('signet-ops', object, 'c3d4');
    const pinFile = join(s.dir, 'pin.txt');
    await writeFile(pinFile, `${TEST_PIN}\n`, { mode: 0o600 });
    const imported = await s.cli(['key', 'import', hsm.uri('signet-ops', object, `&pin-source=${pinFile}`), '--role', 'timestamp']);
    expect(imported.code, imported.stderr).toBe(0);
  });
});

describe('failures a user meets with tokens', () => {
  async function nothingWritten(run: () => Promise<{ code: number; stderr: string }>, pattern: RegExp): Promise<string> {
    const before = await listing(join(s.home, 'keys'));
    const result = await run();
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(pattern);
    expect(await listing(join(s.home, 'keys'))).toEqual(before);
    return result.stderr;
  }

  it('wrong PIN: exit 2, says what the token reports about tries left, never retries, writes nothing', async () => {
    const stderr = await nothingWritten(
      () => s.cli(['key', 'generate', '--role', 'root', '--pkcs11', hsm.uri('signet-ci', label('wrongpin'))], { env: { SIGNET_PKCS11_PIN: '000000' } }),
      /wrong PIN for token "signet-ci" \(the token (reports|does not report)[^)]*\); signet does not retry/,
    );
    expect(stderr).not.toContain('000000');
    // The right PIN still works: signet did not lock the token by retrying.
    const ok = await s.cli(['key', 'generate', '--role', 'root', '--pkcs11', hsm.uri('signet-ci', label('afterwrong'))], { env: pinEnv });
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('wrong key: a key swapped in on the token under the recorded label and id is refused, never used', async () => {
    const object = label('swapped');
    const generated = await s.cli(['key', 'generate', '--role', 'targets', '--pkcs11', hsm.uri('signet-ci', object), '--json'], { env: pinEnv });
    expect(generated.code, generated.stderr).toBe(0);
    const { keyId, pkcs11 } = JSON.parse(generated.stdout);
    const idHex = /;id=([^?;]+)/.exec(pkcs11)![1]!.replace(/%/g, '');
    hsm.pkcs11Tool(['--delete-object', '--type', 'privkey', '--label', object], 'signet-ci');
    hsm.pkcs11Tool(['--delete-object', '--type', 'pubkey', '--label', object], 'signet-ci');
    hsm.pkcs11ToolKeypair('signet-ci', object, idHex);
    const unlocked = new Keystore(s.home).unlock(keyId, async () => TEST_PIN);
    await expect(unlocked).rejects.toMatchObject({ code: 'pkcs11-key-mismatch' });
    await closeOpenTokens();
  });

  it('missing token: exit 2 naming the tokens that are present', async () => {
    await nothingWritten(
      () => s.cli(['key', 'generate', '--role', 'root', '--pkcs11', hsm.uri('no-such-token', 'root')], { env: pinEnv }),
      /token "no-such-token" is not present in .* \(tokens present: .*"signet-ci".*\)/,
    );
  });

  it('missing module, and a file that is not a PKCS#11 module: exit 2', async () => {
    await nothingWritten(
      () => s.cli(['key', 'generate', '--role', 'root', '--pkcs11', 'pkcs11:token=signet-ci;object=x?module-path=/nonexistent/libnothing.so'], { env: pinEnv }),
      /no PKCS#11 module at \/nonexistent\/libnothing\.so/,
    );
    const notModule = join(s.dir, 'not-a-module.so');
    await writeFile(notModule, 'not an ELF file');
    await nothingWritten(
      () => s.cli(['key', 'generate', '--role', 'root', '--pkcs11', `pkcs11:token=signet-ci;object=x?module-path=${notModule}`], { env: pinEnv }),
      /is not a PKCS#11 library/,
    );
  });

  it('key not found by URI: exit 2 with the pkcs11-tool command to list the objects', async () => {
    await nothingWritten(
      () => s.cli(['key', 'import', hsm.uri('signet-ci', 'no-such-object'), '--role', 'targets'], { env: pinEnv }),
      /no private key matching .*"no-such-object".* on token "signet-ci"; list its objects with `pkcs11-tool/,
    );
  });

  it('binding missing: the import failure becomes exit-2 advice naming the package and version to install', async () => {
    const error = await importBinding('pkcs11js-not-installed-here').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'usage', code: 'pkcs11-binding-missing' });
    expect((error as Error).message).toContain(`npm install --save-exact pkcs11js@${PKCS11JS_VERSION}`);
  });

  it('a PIN in the URI is refused before anything is opened', async () => {
    await nothingWritten(
      () => s.cli(['key', 'generate', '--role', 'root', '--pkcs11', `${hsm.uri('signet-ci', 'x')}&pin-value=${TEST_PIN}`]),
      /refusing a PKCS#11 URI with pin-value/,
    );
  });

  it('no PIN source at all: exit 2 saying where a PIN can come from', async () => {
    await nothingWritten(() => s.cli(['key', 'generate', '--role', 'root', '--pkcs11', hsm.uri('signet-ci', label('nopin'))]), /no PIN for token "signet-ci": set SIGNET_PKCS11_PIN/);
  });
});

describe('RFC 7512 URIs and signature encoding', () => {
  it('parses percent-encoded ids and labels and the module and pin-source query attributes', () => {
    const uri = parsePkcs11Uri('pkcs11:token=My%20Token;object=release;id=%01%ff?module-path=/usr/lib/x.so&pin-source=file:/run/pin');
    expect(uri).toMatchObject({ token: 'My Token', object: 'release', modulePath: '/usr/lib/x.so', pinSource: 'file:/run/pin' });
    expect(uri.id?.toString('hex')).toBe('01ff');
    expect(() => parsePkcs11Uri('pkcs11:token=a;bogus=1')).toThrow(/unknown attribute "bogus"/);
    expect(() => parsePkcs11Uri('pkcs11:token=a;token=b')).toThrow(/appears twice/);
  });

  it('DER-encodes r‖s with minimal positive integers', () => {
    const raw = Buffer.concat([Buffer.alloc(31), Buffer.from([0x01]), Buffer.from([0x80]), Buffer.alloc(31, 0x11)]);
    expect(derSignature(raw).toString('hex')).toBe(`3026020101022100${'80' + '11'.repeat(31)}`);
  });
});
