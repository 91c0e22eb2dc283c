import { afterEach, describe, expect, it } from 'vitest';
import { addImage, createFixture, fakeDigest, newSigner, type Fixture } from './repository-fixture.js';
import { rotateRoleKeys } from '../../src/trust/key-rotation.js';
import { updateRepository } from '../../src/trust/trust-repository.js';
import type { MetadataStore } from '../../src/store/metadata-store.js';
import type { RoleType } from '../../src/metadata/types.js';
import type { SignerProvider } from '../../src/keys/signer.js';

let fx: Fixture;
afterEach(async () => fx?.cleanup());
const A = fakeDigest('a');

class Stop extends Error {}

/**
 * The fixture's store, except that after its `stopAfter`-th write the
 * publisher "dies" (throws Stop); every write is also followed by `observe`.
 */
function stoppingStore(store: MetadataStore, stopAfter: number, observe: (name: string) => Promise<void>, steps: string[]): MetadataStore {
  const after = async (name: string) => {
    steps.push(name);
    await observe(name);
    if (steps.length === stopAfter) throw new Stop(`stopped after ${name}`);
  };
  return {
    location: store.location,
    get: (name, max) => store.get(name, max),
    list: () => store.list(),
    withLock: (work) => store.withLock(work),
    put: async (name, bytes) => {
      await store.put(name, bytes);
      await after(name);
    },
    putNew: async (name, bytes) => {
      const wrote = await store.putNew!(name, bytes);
      if (wrote) await after(name);
      return wrote;
    },
  } as MetadataStore;
}

/** Rotate `role`'s only key through `store`, signing with `signers`. */
async function rotateThrough(store: MetadataStore, role: RoleType, signers: SignerProvider, log: string[] = []) {
  const now = new Date();
  const old = fx.roleKeys[role];
  const fresh = await newSigner();
  fx.keyring.add(fresh);
  await updateRepository(store, fx.pinned, { signers, now, log: (l) => log.push(l) }, (repo) =>
    rotateRoleKeys(repo, role, { add: [fresh.publicKey], remove: [old.keyId] }, { now, signers }),
  );
  return fresh;
}

describe.each(['timestamp', 'snapshot', 'targets'] as const)('when the %s key is rotated and verifiers read between the publisher\'s writes', (role) => {
  it('a verifier with cached state and a fresh one both verify the signed image after every write', async () => {
    fx = await createFixture();
    await fx.update(new Date(), (repo) => addImage(repo, 'team/app', '1.0', A));
    const cached = await fx.newHome();
    expect((await fx.verify(cached, ['team/app:1.0']))[0]?.hashes['sha256']).toBe(A);

    const seen: Array<{ after: string; cached: string; fresh: string }> = [];
    const check = async (name: string) => {
      const outcome = async (home: string) =>
        fx.verify(home, ['team/app:1.0']).then(
          (r) => (r[0]?.hashes['sha256'] === A ? 'ok' : 'wrong digest'),
          (e: { kind?: string; message?: string }) => `${e.kind}: ${e.message}`,
        );
      seen.push({ after: name, cached: await outcome(cached), fresh: await outcome(await fx.newHome()) });
    };
    const steps: string[] = [];
    await rotateThrough(stoppingStore(fx.store, Infinity, check, steps), role, fx.keyring.provider());
    expect(seen).toEqual(steps.map((after) => ({ after, cached: 'ok', fresh: 'ok' })));
    // The new root is the last write: until then readers are on root v1.
    expect(steps.at(-1)).toBe('2.root.json');
  });

  it('a publisher stopped after any write leaves a repository that verifies, and the rotation can be re-run', async () => {
    fx = await createFixture();
    await fx.update(new Date(), (repo) => addImage(repo, 'team/app', '1.0', A));
    const clean: string[] = [];
    // Count the writes of a rotation on a throw-away copy of the same shape.
    {
      const probe = fx;
      fx = await createFixture();
      await fx.update(new Date(), (repo) => addImage(repo, 'team/app', '1.0', A));
      await rotateThrough(stoppingStore(fx.store, Infinity, async () => undefined, clean), role, fx.keyring.provider());
      await fx.cleanup();
      fx = probe;
    }
    expect(clean.length).toBeGreaterThan(1);
    const cached = await fx.newHome();
    for (let k = 1; k < clean.length; k++) {
      const steps: string[] = [];
      await expect(rotateThrough(stoppingStore(fx.store, k, async () => undefined, steps), role, fx.keyring.provider())).rejects.toBeInstanceOf(Stop);
      expect((await fx.verify(cached, ['team/app:1.0']))[0]?.hashes['sha256']).toBe(A);
      expect((await fx.verify(await fx.newHome(), ['team/app:1.0']))[0]?.hashes['sha256']).toBe(A);
    }
    // Stopped before the root: still on root v1, which the next rotation replaces.
    expect((await fx.load()).root.signed.version).toBe(1);
    await rotateThrough(fx.store, role, fx.keyring.provider());
    expect((await fx.load()).root.signed.version).toBe(2);
    expect((await fx.verify(cached, ['team/app:1.0']))[0]?.hashes['sha256']).toBe(A);
  });
});

describe('when the old timestamp key is not available (it leaked and was deleted)', () => {
  it('publishes root first, as before, and says that verifiers may fail meanwhile', async () => {
    fx = await createFixture();
    await fx.update(new Date(), (repo) => addImage(repo, 'team/app', '1.0', A));
    fx.keyring.remove(fx.roleKeys.timestamp.keyId);
    const steps: string[] = [];
    const log: string[] = [];
    await rotateThrough(stoppingStore(fx.store, Infinity, async () => undefined, steps), 'timestamp', fx.keyring.provider(), log);
    expect(steps).toEqual(['2.root.json', 'timestamp.json']);
    expect(log.join('\n')).toMatch(/old keys of timestamp .* not available.*root v2 is published first/);
    expect((await fx.verify(await fx.newHome(), ['team/app:1.0']))[0]?.hashes['sha256']).toBe(A);
  });
});

describe('when a revoked timestamp key leaves another old key in the role', () => {
  it('bridges with the remaining key and never signs with the revoked one', async () => {
    fx = await createFixture();
    const second = await newSigner();
    fx.keyring.add(second);
    const now = new Date();
    await fx.update(now, (repo) => rotateRoleKeys(repo, 'timestamp', { add: [second.publicKey], remove: [] }, { now, signers: fx.keyring.provider() }));
    await fx.update(now, (repo) => addImage(repo, 'team/app', '1.0', A));
    const leaked = fx.roleKeys.timestamp;
    const steps: string[] = [];
    await updateRepository(stoppingStore(fx.store, Infinity, async () => undefined, steps), fx.pinned, { signers: fx.keyring.provider(), now }, (repo) =>
      rotateRoleKeys(repo, 'timestamp', { add: [], remove: [leaked.keyId] }, { now, signers: fx.keyring.provider() }),
    );
    expect(steps).toEqual(['timestamp.json', '3.root.json']);
    const timestamp = JSON.parse(Buffer.from((await fx.store.get('timestamp.json', 1 << 20))!).toString('utf8')) as { signatures: Array<{ keyid: string }> };
    expect(timestamp.signatures.map((s) => s.keyid)).toEqual([second.keyId]);
  });
});

describe('when neither the old nor the new timestamp key is available', () => {
  it('refuses before writing the new root, so the repository keeps verifying and stays publishable', async () => {
    fx = await createFixture();
    await fx.update(new Date(), (repo) => addImage(repo, 'team/app', '1.0', A));
    fx.keyring.remove(fx.roleKeys.timestamp.keyId);
    const elsewhere = await newSigner(); // generated on another machine: public key only here
    const now = new Date();
    await expect(
      fx.update(now, (repo) => rotateRoleKeys(repo, 'timestamp', { add: [elsewhere.publicKey], remove: [fx.roleKeys.timestamp.keyId] }, { now, signers: fx.keyring.provider() })),
    ).rejects.toMatchObject({ code: 'missing-signing-key' });
    expect(await fx.store.get('2.root.json', 1 << 20)).toBeUndefined();
    expect((await fx.load()).root.signed.version).toBe(1);
    expect((await fx.verify(await fx.newHome(), ['team/app:1.0']))[0]?.hashes['sha256']).toBe(A);
  });
});
