import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSampleLayout } from '../../src/image/sample-images.js';
import { bundleScript } from '../support/bundle.js';
import { generateTestKeys } from '../support/test-trust.js';
import { checkEveryCrashPoint, type CrashSetup } from '../support/crash-suite.js';

let setup: CrashSetup;
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'signet-crash-dir-'));
  const layout = join(dir, 'images', 'app');
  await writeSampleLayout(layout);
  setup = {
    dir,
    layout,
    keys: await generateTestKeys(),
    publisher: await bundleScript('test/support/crash-publisher.ts', dir),
    location: async (label) => join(dir, label, 'trust'),
  };
});
afterAll(async () => {
  await rm(setup.dir, { recursive: true, force: true });
});

describe('when a publisher to a directory store is killed', () => {
  it('at any step, the repository still verifies (old or new state) and the next publish succeeds', async () => {
    const steps = await checkEveryCrashPoint(setup);
    // lock, then write + link/rename of targets, snapshot and timestamp, then unlock.
    expect(steps).toEqual([
      'lock',
      'write 3.targets.json',
      'link 3.targets.json',
      'write 3.snapshot.json',
      'link 3.snapshot.json',
      'write timestamp.json',
      'rename timestamp.json',
      'unlock',
    ]);
  }, 180_000);
});
