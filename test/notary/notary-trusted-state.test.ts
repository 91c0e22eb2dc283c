// What signet remembers about a Notary collection between runs: keyed by the
// GUN and the pinned anchor (not the source), and never lowered on write-back,
// even by verifiers finishing at the same time.

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notaryStatePath, readNotaryState, writeNotaryState } from '../../src/notary/notary-trusted-state.js';

const GUN = 'registry.example.com/team/app';
const ANCHOR = 'a'.repeat(64);

describe('the remembered versions of a Notary collection', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'signet-notary-state-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('round-trips root, timestamp, snapshot, targets and delegation versions', async () => {
    const roles = new Map([
      ['targets', 7],
      ['targets/releases', 3],
      ['__proto__', 2],
    ]);
    await writeNotaryState(home, GUN, ANCHOR, { root: 2, timestamp: 9, snapshot: 8, roles });
    const state = await readNotaryState(home, GUN, ANCHOR);
    expect(state).toMatchObject({ root: 2, timestamp: 9, snapshot: 8 });
    expect([...(state.roles ?? [])]).toEqual([
      ['__proto__', 2],
      ['targets', 7],
      ['targets/releases', 3],
    ]);
  });

  it('is one file per GUN and anchor, whatever the source', async () => {
    expect(notaryStatePath(home, GUN, ANCHOR)).toBe(notaryStatePath(home, GUN, ANCHOR));
    expect(notaryStatePath(home, GUN, ANCHOR)).not.toBe(notaryStatePath(home, GUN, 'b'.repeat(64)));
    expect(notaryStatePath(home, GUN, ANCHOR)).not.toBe(notaryStatePath(home, `${GUN}2`, ANCHOR));
    await writeNotaryState(home, GUN, ANCHOR, { root: 1 });
    expect(await readNotaryState(home, GUN, 'b'.repeat(64))).toEqual({});
  });

  describe('when an older run writes back after a newer one', () => {
    it('keeps the higher versions', async () => {
      await writeNotaryState(home, GUN, ANCHOR, { root: 3, timestamp: 10, snapshot: 10, roles: new Map([['targets', 9]]) });
      await writeNotaryState(home, GUN, ANCHOR, { root: 2, timestamp: 4, snapshot: 4, roles: new Map([['targets', 1], ['targets/releases', 5]]) });
      const state = await readNotaryState(home, GUN, ANCHOR);
      expect(state).toMatchObject({ root: 3, timestamp: 10, snapshot: 10 });
      expect(state.roles?.get('targets')).toBe(9);
      expect(state.roles?.get('targets/releases')).toBe(5);
    });
  });

  describe('when many verifiers write back at once', () => {
    it('ends with the highest version any of them trusted, and leaves no lock behind', async () => {
      const versions = Array.from({ length: 12 }, (_, i) => ((i * 5) % 12) + 1);
      await Promise.all(versions.map((v) => writeNotaryState(home, GUN, ANCHOR, { timestamp: v, roles: new Map([[`targets/r${v % 3}`, v]]) })));
      const state = await readNotaryState(home, GUN, ANCHOR);
      expect(state.timestamp).toBe(12);
      expect(state.roles?.get('targets/r0')).toBe(12);
      expect(state.roles?.get('targets/r1')).toBe(10);
      expect(state.roles?.get('targets/r2')).toBe(11);
      expect((await readdir(join(home, 'notary'))).filter((f) => f.endsWith('.lock'))).toEqual([]);
    });
  });
});
