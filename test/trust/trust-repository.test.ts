import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { readJSON, writeJSON } from '../support/attacker.js';
import { initTrustRepository } from '../../src/workflows/init.js';
import { signImages } from '../../src/workflows/sign.js';
import { TrustRepository, updateRepository } from '../../src/trust/trust-repository.js';
import { DirectoryStore } from '../../src/store/directory-store.js';
import { parseRoot } from '../../src/trust/root-chain.js';
import { Keystore } from '../../src/keys/keystore.js';
import type { Envelope, TargetsJSON } from '../../src/metadata/types.js';

let s: SignetEnv;
let trust: string;
let rootPath: string;
beforeEach(async () => {
  s = await makeSignetEnv();
  trust = join(s.dir, 'trust');
  rootPath = (await initTrustRepository(trust, {}, s.context())).rootPath;
});
afterEach(async () => {
  await s.cleanup();
});

const pinned = async () => parseRoot(await fs.readFile(rootPath));
const signers = () => new Keystore(s.home).signerProvider(async () => 'TEST-ONLY passphrase');

describe('the writer', () => {
  it('publishes targets, then snapshot, then timestamp, with versions that chain', async () => {
    const store = new DirectoryStore(trust);
    await updateRepository(store, await pinned(), { signers: signers(), now: new Date() }, async (repo) => {
      await repo.addTarget({ name: 'app:1.0', length: 3, sha256: 'aa'.repeat(32) });
    });
    const names = (await fs.readdir(trust)).filter((n) => n.endsWith('.json')).sort();
    expect(names).toEqual(['1.root.json', '1.snapshot.json', '1.targets.json', '2.snapshot.json', '2.targets.json', 'timestamp.json']);
    const ts = await readJSON<Envelope<{ version: number; meta: Record<string, { version: number }> }>>(join(trust, 'timestamp.json'));
    expect(ts.signed.version).toBe(2);
    expect(ts.signed.meta['snapshot.json']?.version).toBe(2);
  });

  it('keeps fields it does not know and signs over them', async () => {
    await signImages([s.ref('1.0')], { trustRepo: trust, root: rootPath }, s.context());
    // As a newer signet would write it: a field this version does not know, published properly
    // (an in-place edit is refused now that the snapshot pins each file's hash).
    await updateRepository(new DirectoryStore(trust), await pinned(), { signers: signers(), now: new Date() }, async (repo) => {
      (repo.targets.signed as Record<string, unknown>)['x-future-field'] = { keep: 'me' };
      repo.markDirty('targets');
    });
    await signImages([s.ref('2.0')], { trustRepo: trust, root: rootPath }, s.context());
    const repo = await TrustRepository.load(new DirectoryStore(trust), await pinned());
    expect((repo.targets.signed as Record<string, unknown>)['x-future-field']).toEqual({ keep: 'me' });
    expect((await s.cli(['verify', s.ref('2.0'), '--trust-repo', trust, '--root', rootPath])).code).toBe(0);
  });

  it('refuses to build on a targets file that was tampered with in the store', async () => {
    await signImages([s.ref('1.0')], { trustRepo: trust, root: rootPath }, s.context());
    const targets = await readJSON<Envelope<TargetsJSON>>(join(trust, '2.targets.json'));
    targets.signed.targets['app:evil'] = { length: 1, hashes: { sha256: '00'.repeat(32) } };
    await writeJSON(join(trust, '2.targets.json'), targets);
    await expect(TrustRepository.load(new DirectoryStore(trust), await pinned())).rejects.toThrow(/targets (is \d+ bytes, expected \d+|does not match the sha256)|larger than \d+ bytes/);
  });

  it('serialises two publishers on one store so neither loses a target', async () => {
    const store = new DirectoryStore(trust);
    const publish = (name: string) =>
      updateRepository(store, parseRoot(readFileSync(rootPath)), { signers: signers(), now: new Date() }, async (repo) => {
        await repo.addTarget({ name, length: 1, sha256: 'bb'.repeat(32) });
      });
    await Promise.all([publish('app:a'), publish('app:b'), publish('app:c')]);
    const repo = await TrustRepository.load(store, await pinned());
    expect((await repo.listTargets()).map((t) => t.name).sort()).toEqual(['app:a', 'app:b', 'app:c']);
  });
});
