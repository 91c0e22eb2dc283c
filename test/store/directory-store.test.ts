import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { DirectoryStore } from '../../src/store/directory-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'signet-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the directory store', () => {
  it('writes atomically and leaves no temp files behind', async () => {
    const store = new DirectoryStore(dir);
    await store.put('1.root.json', Buffer.from('{"a":1}'));
    await store.put('1.root.json', Buffer.from('{"a":2}'));
    expect(Buffer.from((await store.get('1.root.json', 100))!).toString()).toBe('{"a":2}');
    expect(await readdir(dir)).toEqual(['1.root.json']);
  });

  it('returns undefined for a missing file and refuses one over the limit', async () => {
    const store = new DirectoryStore(dir);
    expect(await store.get('timestamp.json', 10)).toBeUndefined();
    await store.put('timestamp.json', Buffer.alloc(11));
    await expect(store.get('timestamp.json', 10)).rejects.toThrow(/larger than 10 bytes/);
  });

  it('refuses names that could escape the directory', async () => {
    const store = new DirectoryStore(dir);
    // Dots elsewhere are legal TUF role names (test/store/role-names-with-dots.test.ts).
    for (const name of ['../x.json', 'a/b.json', '.', '..', '']) {
      await expect(store.get(name, 10)).rejects.toThrow(/unsafe metadata name/);
    }
  });

  it('runs one publisher at a time under its lock', async () => {
    const store = new DirectoryStore(dir);
    let inside = 0;
    let maxInside = 0;
    const work = () =>
      store.withLock(async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        await new Promise((r) => setTimeout(r, 20));
        inside--;
      });
    await Promise.all([work(), work(), work(), work()]);
    expect(maxInside).toBe(1);
    expect(await readdir(dir)).toEqual([]);
  });

  it('takes over a lock whose owner process is gone', async () => {
    const store = new DirectoryStore(dir);
    await writeFile(join(dir, '.signet.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), since: new Date().toISOString() }));
    const result = await store.withLock(async () => 'ran');
    expect(result).toBe('ran');
  });
});
