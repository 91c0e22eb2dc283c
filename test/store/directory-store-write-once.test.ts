import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { DirectoryStore } from '../../src/store/directory-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'signet-store-once-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const deadOwner = () => JSON.stringify({ pid: 2 ** 22 + 999, host: hostname(), token: 'dead', since: new Date().toISOString() });

describe('write-once files in the directory store', () => {
  it('putNew writes a new name, refuses an existing one, and leaves it untouched', async () => {
    const store = new DirectoryStore(dir);
    expect(await store.putNew('2.targets.json', Buffer.from('first'))).toBe(true);
    expect(await store.putNew('2.targets.json', Buffer.from('second'))).toBe(false);
    expect(await readFile(join(dir, '2.targets.json'), 'utf8')).toBe('first');
    expect(await readdir(dir)).toEqual(['2.targets.json']);
  });

  it('lets exactly one of many concurrent putNew calls win', async () => {
    const store = new DirectoryStore(dir);
    const wins = await Promise.all(Array.from({ length: 8 }, (_, i) => store.putNew('5.snapshot.json', Buffer.from(`writer ${i}`))));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });
});

describe('the directory store lock', () => {
  it('when several waiters find a dead owner\'s lock, still lets only one in at a time', async () => {
    await writeFile(join(dir, '.signet.lock'), deadOwner());
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        new DirectoryStore(dir).withLock(async (lock) => {
          inside++;
          most = Math.max(most, inside);
          await new Promise((r) => setTimeout(r, 10));
          await lock.confirm();
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect((await readdir(dir)).filter((n) => n.startsWith('.signet.lock'))).toEqual([]);
  });

  it('confirm fails (lock-lost) once another publisher replaced the lock, and unlock leaves that lock alone', async () => {
    const store = new DirectoryStore(dir);
    const foreign = JSON.stringify({ pid: process.pid, host: hostname(), token: 'someone-else' });
    await expect(
      store.withLock(async (lock) => {
        await writeFile(join(dir, '.signet.lock'), foreign);
        await lock.confirm();
      }),
    ).rejects.toMatchObject({ kind: 'inconclusive', code: 'lock-lost' });
    expect(await readFile(join(dir, '.signet.lock'), 'utf8')).toBe(foreign);
  });
});
