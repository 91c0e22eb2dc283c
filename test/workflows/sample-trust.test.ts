// The committed SAMPLE trust repository (fixtures/sample-trust) and its pinned
// root (keys/sample-root.json) are exactly what scripts/generate-fixtures.mjs
// produces, keys/ holds public material only, and the sample verifies.

import { describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSampleTrust } from '../../src/workflows/sample-trust.js';

const root = new URL('../../', import.meta.url).pathname;

describe('fixtures/sample-trust and keys/sample-root.json', () => {
  it('are exactly what the generator produces (run `npm run fixtures` after changing it)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'signet-sample-trust-'));
    try {
      const { rootBytes } = await writeSampleTrust(dir, join(root, 'fixtures/oci/app'));
      const fresh = (await readdir(dir)).sort();
      expect((await readdir(join(root, 'fixtures/sample-trust'))).sort()).toEqual(fresh);
      for (const name of fresh) expect((await readFile(join(root, 'fixtures/sample-trust', name))).equals(await readFile(join(dir, name))), name).toBe(true);
      expect((await readFile(join(root, 'keys/sample-root.json'))).equals(Buffer.from(rootBytes))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keys/ holds public material only: root metadata with public keys, no private key fields', async () => {
    for (const name of await readdir(join(root, 'keys'))) {
      const text = await readFile(join(root, 'keys', name), 'utf8');
      expect(name).toMatch(/\.json$/);
      expect(text).not.toMatch(/private|seed|BEGIN [A-Z ]*PRIVATE|ciphertext/i);
      const doc = JSON.parse(text) as { signed: { _type: string; keys: Record<string, { keyval: Record<string, unknown> }> } };
      expect(doc.signed._type).toBe('root');
      for (const key of Object.values(doc.signed.keys)) expect(Object.keys(key.keyval)).toEqual(['public']);
    }
  });
});
