import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { canonicalize } from '../../src/metadata/canonical-json.js';

// tuf-js verifies over @tufjs/canonical-json; signet must produce the same bytes.
const require = createRequire(import.meta.url);
const reference = require('@tufjs/canonical-json') as { canonicalize: (v: unknown) => string };

describe('canonical JSON', () => {
  const samples: unknown[] = [
    { b: 1, a: [true, false, null], c: { z: 'x"y\\z', y: '' } },
    { 'team/app:1.0': { length: 12, hashes: { sha256: 'ab' } }, 'Ä': 'ü', '\u0001': '\n\t' },
    [],
    'plain',
    { nested: [{ k: [1, 2, { x: -5 }] }] },
  ];
  for (const [i, sample] of samples.entries()) {
    it(`matches @tufjs/canonical-json on sample ${i}`, () => {
      expect(canonicalize(sample)).toBe(reference.canonicalize(sample));
    });
  }

  it('refuses floats, which canonical JSON cannot express', () => {
    expect(() => canonicalize({ a: 1.5 })).toThrow(/no floats/);
  });
});
