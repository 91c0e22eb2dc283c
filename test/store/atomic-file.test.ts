import { afterEach, describe, expect, it, vi } from 'vitest';
import { promises as fs } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncDirectory, writeFileAtomic, writeFileExclusive } from '../../src/store/atomic-file.js';

let dir: string | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Make the next fsync of any file handle fail, as a full or failing disk does. */
async function failNextSync(where: string): Promise<void> {
  const probe = await fs.open(join(where, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
  await probe.close();
  await rm(join(where, 'probe'));
  vi.spyOn(proto, 'sync').mockRejectedValueOnce(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
}

describe.each([
  ['writeFileAtomic', (path: string) => writeFileAtomic(path, Buffer.from('x'))],
  ['writeFileExclusive', (path: string) => writeFileExclusive(path, Buffer.from('x'))],
] as const)('when the disk fails during %s', (_name, write) => {
  it('throws and leaves no temp file behind', async () => {
    dir = await mkdtemp(join(tmpdir(), 'signet-atomic-'));
    await failNextSync(dir);
    await expect(write(join(dir, 'timestamp.json'))).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('directory fsyncs during a publish of many files', () => {
  it('are shared: 200 renames at once in one directory cost at most 2 directory fsyncs, each starting after the rename it covers', async () => {
    const promises = fs;
    const dir = await promises.mkdtemp(join(tmpdir(), 'signet-dirsync-'));
    const real = promises.open;
    const dirOpens: number[] = [];
    let renamed = 0;
    const spy = vi.spyOn(promises, 'open').mockImplementation(async (...args: Parameters<typeof real>) => {
      if (args[0] === dir) dirOpens.push(renamed);
      return real(...args);
    });
    try {
      await Promise.all(Array.from({ length: 200 }, async () => {
        renamed++;
        await syncDirectory(dir);
      }));
      expect(dirOpens.length).toBeGreaterThanOrEqual(1);
      expect(dirOpens.length).toBeLessThanOrEqual(2);
      // The last fsync started after every rename.
      expect(dirOpens.at(-1)).toBe(200);
      // A later rename gets an fsync of its own.
      renamed++;
      await syncDirectory(dir);
      expect(dirOpens.at(-1)).toBe(201);
    } finally {
      spy.mockRestore();
      await promises.rm(dir, { recursive: true, force: true });
    }
  });
});
