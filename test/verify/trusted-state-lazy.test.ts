import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrustedState } from '../../src/verify/trusted-state.js';

let home: string;
let state: TrustedState;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'signet-trusted-'));
  state = new TrustedState(home, 'repo');
  await import('node:fs/promises').then((fs) => fs.mkdir(state.dir, { recursive: true }));
  for (const name of ['root.json', 'timestamp.json', 'snapshot.json', 'targets.json', 'bins-0.json', 'bins-1.json', 'bins-2.json']) {
    await writeFile(join(state.dir, name), `{"signed":{"version":1},"name":"${name}"}`);
  }
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('the working copy of a verifier that has cached many bins', () => {
  it('starts with the top-level roles only and brings in just the bins asked for', async () => {
    await state.withWorkingCopy(async (dir, bringLocal) => {
      expect((await readdir(dir)).sort()).toEqual(['root.json', 'snapshot.json', 'targets.json', 'timestamp.json']);
      await bringLocal('bins-1.json');
      await bringLocal('bins-1.json');
      expect((await readdir(dir)).filter((n) => n.startsWith('bins-'))).toEqual(['bins-1.json']);
    });
  });

  it('keeps every cached bin it did not bring, and saves the ones tuf-js wrote', async () => {
    await state.withWorkingCopy(async (dir) => {
      await writeFile(join(dir, 'bins-2.json'), '{"signed":{"version":2},"name":"bins-2.json"}');
    });
    expect((await readdir(state.dir)).filter((n) => n.startsWith('bins-')).sort()).toEqual(['bins-0.json', 'bins-1.json', 'bins-2.json']);
    expect(await readFile(join(state.dir, 'bins-2.json'), 'utf8')).toContain('"version":2}');
    expect(await readFile(join(state.dir, 'bins-0.json'), 'utf8')).toBe('{"signed":{"version":1},"name":"bins-0.json"}');
  });

  it('brings everything when asked for all (delegations it cannot predict)', async () => {
    await state.withWorkingCopy(async (dir, bringLocal) => {
      await bringLocal('all');
      expect((await readdir(dir)).filter((n) => !n.startsWith('.')).length).toBe(7);
    });
  });
});

describe('a session kept open (the admission gate) that writes back early', () => {
  it('has what its refresh verified on disk before it ends, and the final write-back still adds what came later', async () => {
    await state.withWorkingCopy(async (dir, _bringLocal, writeBackNow) => {
      await writeFile(join(dir, 'timestamp.json'), '{"signed":{"version":5},"name":"timestamp.json"}');
      await writeBackNow();
      expect(await readFile(join(state.dir, 'timestamp.json'), 'utf8')).toContain('"version":5}');
      // Another verifier sharing the state remembers a newer version meanwhile: never lowered.
      await writeFile(join(state.dir, 'snapshot.json'), '{"signed":{"version":9},"name":"snapshot.json"}');
      await writeFile(join(dir, 'snapshot.json'), '{"signed":{"version":3},"name":"snapshot.json"}');
      await writeFile(join(dir, 'timestamp.json'), '{"signed":{"version":6},"name":"timestamp.json"}');
    });
    expect(await readFile(join(state.dir, 'timestamp.json'), 'utf8')).toContain('"version":6}');
    expect(await readFile(join(state.dir, 'snapshot.json'), 'utf8')).toContain('"version":9}');
  });
});
