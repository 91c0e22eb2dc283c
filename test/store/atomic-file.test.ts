import { afterEach, describe, expect, it, vi } from 'vitest';
import { promises as fs } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, writeFileExclusive } from '../../src/store/atomic-file.js';

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
