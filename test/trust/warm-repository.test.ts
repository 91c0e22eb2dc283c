// A repository loaded ahead of the publish lock (a bulk sign loads it while
// manifests resolve) is used under the lock only when nothing was published
// in between: another publisher's targets are never lost to a stale load.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryStore } from '../../src/store/directory-store.js';
import { TrustRepository, updateRepository } from '../../src/trust/trust-repository.js';
import { WarmRepository } from '../../src/trust/warm-repository.js';
import { enableBins } from '../../src/trust/bins-layout.js';
import type { Envelope, RootJSON } from '../../src/metadata/types.js';
import { CountingStore } from '../support/counting-store.js';
import { generateTestKeys, initTestRepository, signersOf, type TestKeys } from '../support/test-trust.js';

let dir: string;
let keys: TestKeys;
let pinned: Envelope<RootJSON>;
let store: CountingStore;
const target = (name: string) => ({ name, length: 3, sha256: 'ab'.repeat(32) });
const options = () => ({ signers: signersOf(keys), now: new Date() });
const names = async () => (await (await TrustRepository.load(store, pinned)).listTargets()).map((t) => t.name).sort();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'signet-warm-'));
  keys = await generateTestKeys();
  store = new CountingStore(new DirectoryStore(join(dir, 'trust')));
  pinned = await initTestRepository(store, keys, join(dir, 'root.json'));
  await updateRepository(store, pinned, options(), async (repo) => {
    await repo.addTarget(target('app:0'));
    await enableBins(repo);
  });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('when nothing was published since the warm load', () => {
  it('publishes from it, reading each bin once (ahead of the lock)', async () => {
    const warm = new WarmRepository(store, pinned);
    warm.preloadTargets(['app:1', 'app:2']);
    store.reset();
    await updateRepository(store, pinned, options(), async (repo) => {
      await repo.addTarget(target('app:1'));
      await repo.addTarget(target('app:2'));
    }, warm);
    // Each bin was read once, by the warm load; a fresh load under the lock would read them again.
    const bins = store.gets.filter((name) => name.includes('bins-'));
    expect(bins).toHaveLength(2);
    expect(new Set(bins).size).toBe(2);
    expect(await names()).toEqual(['app:0', 'app:1', 'app:2']);
  });
});

describe('when another publisher published after the warm load', () => {
  it('loads afresh under the lock and keeps the other publisher\'s target', async () => {
    const warm = new WarmRepository(store, pinned);
    warm.preloadTargets(['app:1']);
    await updateRepository(store, pinned, options(), async (repo) => repo.addTarget(target('racer:1')));
    await updateRepository(store, pinned, options(), async (repo) => repo.addTarget(target('app:1')), warm);
    expect(await names()).toEqual(['app:0', 'app:1', 'racer:1']);
  });
});
