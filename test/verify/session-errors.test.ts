// One trust session serves several lookups (`signet verify a b`): each
// lookup's failure must be classified on its own, not by what an earlier
// lookup ran into (a missing file once must not turn a forgery into exit 3).

import { afterEach, describe, expect, it } from 'vitest';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addImage, createFixture, fakeDigest, newSigner, type Fixture } from '../trust/repository-fixture.js';
import { addDelegation } from '../../src/trust/delegations.js';
import { withTrustSession } from '../../src/verify/trust-session.js';

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
    expect(second).toMatchObject({ kind: 'invalid', code: 'bad-signature' });
  });
});
