// groupByTrust resolves each image repository once, however many tags of it a
// call names (a 1,000-tag sign read the policy and the pinned root 1,000
// times), and still hands every uncovered item its own failure.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { groupByTrust } from '../../src/workflows/resolve-trust.js';
import type { SignetError } from '../../src/errors.js';

let s: SignetEnv;
beforeAll(async () => {
  s = await makeSignetEnv();
  expect((await s.cli(['init', join(s.dir, 'trust'), '--scope', 'team/app'])).code).toBe(0);
});
afterAll(async () => s.cleanup());

const item = (name: string, tag: string) => ({ name, tag, kind: 'registry', registry: 'registry.example', repository: name });

describe('when many tags of one repository are grouped', () => {
  it('makes one group with one resolved trust, and fails each uncovered item on its own', async () => {
    const items = [item('team/app', '1'), item('other/app', '1'), item('team/app', '2'), item('team/app', '3'), item('other/app', '2')];
    const failed: Array<[string, SignetError]> = [];
    const groups = await groupByTrust(items, {}, s.context(), (i, error) => failed.push([i.tag, error]));
    expect(groups).toHaveLength(1);
    expect(groups[0]!.items.map((i) => i.tag)).toEqual(['1', '2', '3']);
    expect(failed.map(([tag, error]) => [tag, error.code])).toEqual([['1', 'no-trust-repository'], ['2', 'no-trust-repository']]);
  });

  it('reads the pinned root once for all of them', async () => {
    // The root file disappears once the first item is resolved: the other 199
    // still group, as they are not resolved again (each would fail with no-pinned-root).
    const ctx = s.context();
    const [first] = await groupByTrust([item('team/app', '0')], {}, ctx);
    const items = Array.from({ length: 200 }, (_, i) => {
      const x = item('team/app', String(i));
      if (i !== 1) return x;
      return {
        ...x,
        get name() {
          rmSync(first!.trust.rootPath, { force: true });
          return 'team/app';
        },
      };
    });
    const groups = await groupByTrust(items, {}, ctx);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.items).toHaveLength(200);
  });
});
