import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryStore } from '../../src/store/directory-store.js';
import type { MetadataStore, PublishLock } from '../../src/store/metadata-store.js';
import { TrustRepository, updateRepository } from '../../src/trust/trust-repository.js';
import { InconclusiveError } from '../../src/errors.js';
import type { Envelope, RootJSON } from '../../src/metadata/types.js';
import { generateTestKeys, initTestRepository, signersOf, type TestKeys } from '../support/test-trust.js';

let dir: string;
let keys: TestKeys;
let pinned: Envelope<RootJSON>;
let store: DirectoryStore;
const target = (name: string) => ({ name, length: 3, sha256: 'ab'.repeat(32) });
const options = () => ({ signers: signersOf(keys), now: new Date() });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'signet-races-'));
  keys = await generateTestKeys();
  store = new DirectoryStore(join(dir, 'trust'));
  pinned = await initTestRepository(store, keys, join(dir, 'root.json'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const names = async (repo: TrustRepository) => (await repo.listTargets()).map((t) => t.name).sort();

describe('when a crashed publisher left 2.targets.json and 2.snapshot.json behind', () => {
  it('publishes version 3 of each and never overwrites the leftovers', async () => {
    await writeFile(join(dir, 'trust', '2.targets.json'), 'leftover');
    await writeFile(join(dir, 'trust', '2.snapshot.json'), 'leftover');
    await updateRepository(store, pinned, options(), async (repo) => repo.addTarget(target('app:1')));
    expect(await readFile(join(dir, 'trust', '2.targets.json'), 'utf8')).toBe('leftover');
    const repo = await TrustRepository.load(store, pinned);
    expect(repo.targets.signed.version).toBe(3);
    expect(repo.snapshot.signed.version).toBe(3);
    expect(await names(repo)).toEqual(['app:1']);
  });
});

/** A store whose first timestamp write is overwritten by a racing publisher right after it lands. */
function racedOnce(inner: DirectoryStore, racer: () => Promise<void>): MetadataStore {
  let raced = false;
  return {
    location: inner.location,
    get: (n, m) => inner.get(n, m),
    list: () => inner.list(),
    putNew: (n, b) => inner.putNew(n, b),
    withLock: (work) => inner.withLock(work),
    put: async (name, bytes) => {
      await inner.put(name, bytes);
      if (name === 'timestamp.json' && !raced) {
        raced = true;
        await racer();
      }
    },
  };
}

describe('when another publisher overwrites timestamp.json just after ours (a lost race)', () => {
  it('reads back a foreign timestamp, re-applies the edit to a fresh load, and loses no target', async () => {
    const racer = async () => {
      // The racer publishes its own target right after our timestamp landed.
      await updateRepository(new DirectoryStore(join(dir, 'trust')), pinned, options(), async (repo) => repo.addTarget(target('racer:1')));
    };
    // The racer runs inside our lock, as a publisher that wrongly believed it held the lock would.
    const unlocked = new DirectoryStore(join(dir, 'trust'));
    const noLock: MetadataStore = { ...racedOnce(unlocked, racer), withLock: (work) => work({ confirm: async () => undefined }) };
    let edits = 0;
    await updateRepository(noLock, pinned, options(), async (repo) => {
      edits++;
      await repo.addTarget(target('ours:1'));
    });
    expect(edits).toBe(2);
    expect(await names(await TrustRepository.load(store, pinned))).toEqual(['ours:1', 'racer:1']);
  });
});

describe('when the lock is lost before the commit', () => {
  it('does not write timestamp.json, then retries and publishes', async () => {
    let confirms = 0;
    const lock: PublishLock = {
      confirm: async () => {
        if (++confirms === 1) throw new InconclusiveError('lock-lost', 'taken over');
      },
    };
    const flaky: MetadataStore = {
      location: store.location,
      get: (n, m) => store.get(n, m),
      list: () => store.list(),
      putNew: (n, b) => store.putNew(n, b),
      put: async (n, b) => store.put(n, b),
      withLock: (work) => work(lock),
    };
    const before = await readFile(join(dir, 'trust', 'timestamp.json'));
    let edits = 0;
    await updateRepository(flaky, pinned, options(), async (repo) => {
      edits++;
      await repo.addTarget(target('app:1'));
    });
    expect(edits).toBe(2);
    const repo = await TrustRepository.load(store, pinned);
    expect(await names(repo)).toEqual(['app:1']);
    // The aborted attempt left 2.targets.json and 2.snapshot.json unreferenced; the retry skipped past them.
    expect(repo.snapshot.signed.version).toBe(3);
    expect(Buffer.compare(before, await readFile(join(dir, 'trust', 'timestamp.json')))).not.toBe(0);
    expect((await readdir(join(dir, 'trust'))).filter((n) => n.endsWith('.json')).sort()).toEqual([
      '1.root.json', '1.snapshot.json', '1.targets.json', '2.snapshot.json', '2.targets.json', '3.snapshot.json', '3.targets.json', 'timestamp.json',
    ]);
  });

  it('gives up after a bounded number of attempts with an inconclusive error', async () => {
    const lost: MetadataStore = {
      location: store.location,
      get: (n, m) => store.get(n, m),
      list: () => store.list(),
      put: (n, b) => store.put(n, b),
      withLock: (work) => work({ confirm: async () => Promise.reject(new InconclusiveError('lock-lost', 'taken over')) }),
    };
    await expect(updateRepository(lost, pinned, options(), async (repo) => repo.addTarget(target('app:1')))).rejects.toMatchObject({ kind: 'inconclusive', code: 'lock-lost' });
  });
});
