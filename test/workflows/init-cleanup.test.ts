import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readdir } from 'node:fs/promises';
import { makeSignetEnv, TEST_PASSPHRASE, type SignetEnv } from '../support/signet-env.js';

let s: SignetEnv;
beforeEach(async () => {
  s = await makeSignetEnv();
});
afterEach(async () => s.cleanup());

const keyFiles = async () => (await readdir(join(s.home, 'keys')).catch(() => [] as string[])).filter((f) => !f.startsWith('.'));

describe('signet init that fails before anything is published', () => {
  it('removes the keys it generated, and a retry leaves exactly one key per role', async () => {
    const trust = join(s.dir, 'trust');
    // A CI job with the root and targets passphrases only: the snapshot key cannot be made.
    const partial = { SIGNET_PASSPHRASE: '', SIGNET_PASSPHRASE_ROOT: TEST_PASSPHRASE, SIGNET_PASSPHRASE_TARGETS: TEST_PASSPHRASE };
    const failed = await s.cli(['init', trust, '--scope', 'app'], { env: partial });
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('no passphrase for the snapshot key');
    expect(failed.stderr).toContain('removed the 2 key(s) generated for this attempt');
    expect(await keyFiles()).toEqual([]);

    const retry = await s.cli(['init', trust, '--scope', 'app']);
    expect(retry.code, retry.stderr).toBe(0);
    expect(await keyFiles()).toHaveLength(4);
  });

  it('refuses a store already in use before generating any key', async () => {
    const trust = join(s.dir, 'trust');
    expect((await s.cli(['init', trust])).code).toBe(0);
    const again = await s.cli(['init', trust]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already holds trust metadata');
    expect(await keyFiles()).toHaveLength(4);
  });
});
