// `signet repair` and `root publish` replace a timestamp they cannot read
// (2^53+1, garbage) with a new one whose version must be above every version
// anyone saw. The clock (seconds) stood in for the unreadable one; a publish
// earlier within the same second could already be past it, and the writer's
// own next run then refused the store as rolled back (a flaky CI failure of
// the unsafe-integer playbook). The publish memory is now a floor too.

import { afterEach, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createFixture, type Fixture } from './repository-fixture.js';
import { loadSalvaging } from '../../src/trust/salvage.js';

let fx: Fixture;
afterEach(async () => fx?.cleanup());

describe('a salvaged timestamp', () => {
  it('takes a version above what this machine saw, not only above the clock', async () => {
    const now = new Date('2026-11-23T12:00:00Z');
    fx = await createFixture({ now });
    const clock = Math.floor(now.getTime() / 1000);
    await writeFile(join(fx.store.dir, 'timestamp.json'), '{"signed":{"_type":"timestamp","version":9007199254740993},"signatures":[]}');
    const byClock = await loadSalvaging(fx.store, fx.pinned, now);
    expect(byClock.replaced).toEqual(['timestamp']);
    expect(byClock.repo.timestamp.signed.version).toBe(clock);
    // This machine published clock + 2 in the same second (a root publish, then a sign).
    const seen = await loadSalvaging(fx.store, fx.pinned, now, clock + 2);
    expect(seen.repo.timestamp.signed.version).toBe(clock + 2); // the publish then writes clock + 3
  });
});
