// One trust session serves several lookups (`signet verify a b`): each
// lookup's failure must be classified on its own, not by what an earlier
// lookup ran into (a missing file once must not turn a forgery into exit 3).

import { afterEach, describe, expect, it } from 'vitest';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addImage, createFixture, fakeDigest, newSigner, type Fixture } from '../trust/repository-fixture.js';
import { addDelegation } from '../../src/trust/delegations.js';
import { withTrustSession } from '../../src/verify/trust-session.js';
import { InconclusiveError } from '../../src/errors.js';
import type { MetadataStore } from '../../src/store/metadata-store.js';

let fx: Fixture;
afterEach(async () => fx?.cleanup());

async function twoTeams(): Promise<void> {
  const now = new Date();
  fx = await createFixture({ now });
  const [a, b] = [await newSigner(), await newSigner()];
  fx.keyring.add(a, b);
  await fx.update(now, async (repo) => {
    await addDelegation(repo, { name: 'team-a', keys: [a.publicKey], paths: ['team/a*'], threshold: 1, terminating: true });
    await addDelegation(repo, { name: 'team-b', keys: [b.publicKey], paths: ['team/b*'], threshold: 1, terminating: true });
  });
  await fx.update(now, async (repo) => {
    await addImage(repo, 'team/a', '1.0', fakeDigest('a'), 'team-a');
    await addImage(repo, 'team/b', '1.0', fakeDigest('b'), 'team-b');
  });
}

async function lookUpBoth(): Promise<unknown[]> {
  return withTrustSession({ store: fx.store, pinnedRoot: fx.pinnedBytes, home: await fx.newHome() }, async (session) => {
    const out: unknown[] = [];
    for (const name of ['team/a:1.0', 'team/b:1.0']) out.push(await session.lookup(name).catch((e: unknown) => e));
    return out;
  });
}

describe('when one lookup finds a role file missing and the next finds a forged role', () => {
  it('reports the first as inconclusive and the second as invalid', async () => {
    await twoTeams();
    const repo = join(fx.dir, 'repo');
    await rm(join(repo, '1.team-a.json'));
    const forged = join(repo, '1.team-b.json');
    const doc = JSON.parse(await readFile(forged, 'utf8')) as { signed: { targets: Record<string, { hashes: Record<string, string> }> } };
    doc.signed.targets['team/b:1.0']!.hashes['sha256'] = fakeDigest('evil');
    await writeFile(forged, JSON.stringify(doc));
    const [first, second] = await lookUpBoth();
    expect(first).toMatchObject({ kind: 'inconclusive', code: 'metadata-missing' });
    // The snapshot pins every role file's hash (issue 12, finding 3): the forgery fails that check first.
    expect(second).toMatchObject({ kind: 'invalid', code: 'hash-mismatch' });
  });
});

/**
 * The store answers team-a's role with a network failure and team-b's with
 * forged bytes, ordered so both lookups are in flight together: team-a's
 * failure is recorded while team-b's fetch is still pending.
 */
function unreachableForA(inner: MetadataStore): MetadataStore {
  let bStarted!: () => void;
  let aFailed!: () => void;
  const bStartedP = new Promise<void>((r) => (bStarted = r));
  const aFailedP = new Promise<void>((r) => (aFailed = r));
  return {
    location: inner.location,
    list: () => inner.list(),
    put: (n, b) => inner.put(n, b),
    withLock: (w) => inner.withLock(w),
    get: async (name, max) => {
      if (name === '1.team-a.json') {
        await bStartedP;
        setTimeout(aFailed, 0);
        throw new InconclusiveError('registry-unreachable', 'connect ECONNREFUSED 127.0.0.1:9 (test store)');
      }
      if (name === '1.team-b.json') {
        bStarted();
        await aFailedP;
        await new Promise((r) => setTimeout(r, 10));
      }
      return inner.get(name, max);
    },
  };
}

describe('when two lookups run at once, one against an unreachable store and one against a forged role', () => {
  it('reports the unreachable one as inconclusive and the forged one as invalid', async () => {
    await twoTeams();
    const forged = join(fx.dir, 'repo', '1.team-b.json');
    const doc = JSON.parse(await readFile(forged, 'utf8')) as { signed: { targets: Record<string, { hashes: Record<string, string> }> } };
    doc.signed.targets['team/b:1.0']!.hashes['sha256'] = fakeDigest('evil');
    await writeFile(forged, JSON.stringify(doc));
    const store = unreachableForA(fx.store);
    const [a, b] = await withTrustSession({ store, pinnedRoot: fx.pinnedBytes, home: await fx.newHome() }, (session) =>
      Promise.all(['team/a:1.0', 'team/b:1.0'].map((name) => session.lookup(name).catch((e: unknown) => e))),
    );
    expect(a).toMatchObject({ kind: 'inconclusive', code: 'registry-unreachable' });
    expect(b).toMatchObject({ kind: 'invalid', code: 'hash-mismatch' });
  });
});
