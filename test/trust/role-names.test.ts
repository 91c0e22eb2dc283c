import { afterEach, describe, expect, it } from 'vitest';
import { addImage, createFixture, fakeDigest, newSigner, type Fixture } from './repository-fixture.js';
import { addDelegation } from '../../src/trust/delegations.js';
import { expirySecondsFor } from '../../src/trust/root-builder.js';

let fx: Fixture;
afterEach(async () => fx?.cleanup());

describe('when a delegated role is named like an Object.prototype member', () => {
  it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty'])('%s is refused as a name, and its expiry is never read from the prototype', async (name) => {
    const now = new Date();
    fx = await createFixture({ now });
    // A repository signet did not write (Notary migration, other tools) may still carry such a name.
    expect(expirySecondsFor(fx.pinned.signed, name)).toBe(90 * 86400);
    const key = await newSigner();
    fx.keyring.add(key);
    await expect(fx.update(now, (repo) => addDelegation(repo, { name, keys: [key.publicKey], paths: ['team/*'], threshold: 1, terminating: true }))).rejects.toMatchObject({
      code: 'bad-role-name',
    });
  });
});

describe('when the snapshot lists a file whose name is not valid percent-encoding', () => {
  it('lists the targets of the other roles instead of failing with a URIError', async () => {
    const now = new Date();
    fx = await createFixture({ now });
    await fx.update(now, async (repo) => {
      await addImage(repo, 'team/app', '1.0', fakeDigest('a'));
      repo.snapshot.signed.meta['bad%zz.json'] = { version: 1 };
      repo.markDirty('snapshot');
    });
    const names = (await (await fx.load()).listTargets()).map((t) => t.name);
    expect(names).toContain('team/app:1.0');
  });
});
