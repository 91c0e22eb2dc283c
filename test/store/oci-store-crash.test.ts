import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSampleLayout } from '../../src/image/sample-images.js';
import { bundleScript } from '../support/bundle.js';
import { generateTestKeys } from '../support/test-trust.js';
import { checkEveryCrashPoint, type CrashSetup } from '../support/crash-suite.js';
import { startRegistry, type RegistryServer } from '../support/registry-server.js';

let setup: CrashSetup;
let reg: RegistryServer;
beforeAll(async () => {
  reg = await startRegistry();
  const dir = await mkdtemp(join(tmpdir(), 'signet-crash-oci-'));
  const layout = join(dir, 'images', 'app');
  await writeSampleLayout(layout);
  setup = {
    dir,
    layout,
    keys: await generateTestKeys(),
    publisher: await bundleScript('test/support/crash-publisher.ts', dir),
    location: async (label) => `oci://${reg.host}/crash/${label}`,
  };
});
afterAll(async () => {
  await reg?.stop();
  await rm(setup.dir, { recursive: true, force: true });
});

describe('when a publisher to an OCI registry store is killed', () => {
  it('at any step, the repository still verifies (old or new state) and the next publish succeeds', async () => {
    const steps = await checkEveryCrashPoint(setup);
    // lease, then upload + tag of targets, snapshot and timestamp, then the lease handed back.
    expect(steps).toEqual([
      'lock',
      'tag signet.lease',
      'upload 3.targets.json',
      'tag 3.targets.json',
      'upload 3.snapshot.json',
      'tag 3.snapshot.json',
      'upload timestamp.json',
      'tag timestamp.json',
      'unlock',
      'tag signet.lease',
    ]);
  }, 300_000);
});
