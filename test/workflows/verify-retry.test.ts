import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryStore } from '../../src/store/directory-store.js';
import type { MetadataStore } from '../../src/store/metadata-store.js';
import { updateRepository } from '../../src/trust/trust-repository.js';
import { writeSampleLayout } from '../../src/image/sample-images.js';
import { OciLayout } from '../../src/image/oci-layout.js';
import { parseLayoutReference } from '../../src/image/image-reference.js';
import { targetsFor } from '../../src/workflows/sign.js';
import { generateTestKeys, initTestRepository, signersOf } from '../support/test-trust.js';
import { KeyRing } from '../../src/keys/key-ring.js';

// A store that, like an eventually consistent mirror caught mid-publish, does
// not yet serve the snapshot that timestamp.json names for the first `misses` reads.
let hidden = 0;
vi.mock('../../src/store/open-store.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/store/open-store.js')>();
  return {
    ...original,
    openStore: async (location: string, cwd: string): Promise<MetadataStore> => {
      const inner = (await original.openStore(location, cwd)) as DirectoryStore;
      return {
        location: inner.location,
        list: () => inner.list(),
        put: (n, b) => inner.put(n, b),
        withLock: (w) => inner.withLock(w),
        get: async (name, max) => {
          if (/^\d+\.snapshot\.json$/.test(name) && hidden > 0) {
            hidden--;
            return undefined;
          }
          return inner.get(name, max);
        },
      };
    },
  };
});

const { verifyImages } = await import('../../src/workflows/verify.js');

let dir: string;
let layout: string;
let trust: string;
let rootPath: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'signet-verify-retry-'));
  layout = join(dir, 'app');
  await writeSampleLayout(layout);
  trust = join(dir, 'trust');
  rootPath = join(dir, 'root.json');
  const keys = await generateTestKeys();
  const store = new DirectoryStore(trust);
  const pinned = await initTestRepository(store, keys, rootPath);
  const ref = parseLayoutReference(`oci-layout:${layout}:1.0`);
  const entries = targetsFor(ref, await new OciLayout(layout).getManifest(ref));
  await updateRepository(store, pinned, { signers: signersOf(keys), now: new Date() }, async (repo) => {
    for (const e of entries) await repo.addTarget(e);
  });
});
afterEach(async () => {
  hidden = 0;
  await rm(dir, { recursive: true, force: true });
});

const ctx = () => ({ home: join(dir, 'home'), cwd: dir, now: new Date(), passphrases: async () => '', keys: new KeyRing({ home: join(dir, 'home'), passphrases: async () => '' }), log: () => undefined });
const verify = () => verifyImages([`oci-layout:${layout}:1.0`], { trustRepo: trust, root: rootPath }, ctx());

describe('when a verifier catches a publish half-way (the snapshot named by timestamp is not there yet)', () => {
  it('retries and verifies once the file appears, instead of reporting the image invalid', async () => {
    hidden = 2;
    const [outcome] = (await verify()).outcomes;
    expect(outcome?.ok).toBe(true);
  });

  it('reports inconclusive (exit 3), never invalid, when the file stays missing', async () => {
    hidden = 1000;
    const [outcome] = (await verify()).outcomes;
    expect(outcome?.ok).toBe(false);
    if (!outcome?.ok) expect({ kind: outcome!.error.kind, code: outcome!.error.code }).toEqual({ kind: 'inconclusive', code: 'metadata-missing' });
  });
});
