// The Notary verifier, one test per attack, on collections crafted with
// TEST-ONLY keys (shapes the real notary CLI refuses to produce).

import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignetError } from '../../src/errors.js';
import { dockerTags } from '../../src/notary/docker-tags.js';
import { loadNotaryCollection, type NotaryCollection } from '../../src/notary/notary-client.js';
import { TrustDirectoryFetcher } from '../../src/notary/notary-fetcher.js';
import { keyIdPin } from '../../src/notary/notary-pin.js';
import { craftCollection, ecdsaKey, ed25519Key, rootCertificateKey, type CraftKey, type CraftOptions } from '../support/notary-crafter.js';

const GUN = 'registry.example.com/team/app';
const hex = (c: string) => c.repeat(64);
const now = new Date('2030-01-01T00:00:00Z');

describe('the Notary verifier against crafted collections', () => {
  let root: CraftKey;
  const dirs: string[] = [];
  beforeAll(async () => {
    root = await rootCertificateKey(GUN, 36500);
  });
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function load(options: Partial<CraftOptions>, at = now): Promise<NotaryCollection> {
    const dir = await craftCollection({ gun: GUN, root, targets: {}, ...options });
    dirs.push(dir);
    return loadNotaryCollection(new TrustDirectoryFetcher(dir, GUN), { gun: GUN, pin: keyIdPin([root.id]), now: at });
  }
  async function refused(options: Partial<CraftOptions>, code: string, text: RegExp, at = now): Promise<void> {
    const error = await load(options, at).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(SignetError);
    expect((error as SignetError).code).toBe(code);
    expect((error as SignetError).message).toMatch(text);
  }

  it('accepts a well-formed collection with ed25519 and ECDSA signatures', async () => {
    const collection = await load({ targets: { '1.0': { sha256: hex('a'), length: 10 } } });
    expect(dockerTags(collection.trusted).tags).toMatchObject([{ tag: '1.0', digest: `sha256:${hex('a')}`, size: 10, role: 'targets' }]);
  });

  describe('when a delegation signs a tag outside its paths', () => {
    it('trusts only the tags under its path prefixes', async () => {
      const releaser = ecdsaKey();
      const collection = await load({
        targets: { '2.0': { sha256: hex('b'), length: 20 } },
        delegations: [{ name: 'targets/releases', paths: ['1.'], keys: [releaser], threshold: 1, targets: { '1.0': { sha256: hex('c'), length: 30 }, '2.0': { sha256: hex('d'), length: 40 } } }],
      });
      const view = dockerTags(collection.trusted);
      expect(view.tags.map((t) => [t.tag, t.role, t.digest])).toEqual([
        ['1.0', 'targets/releases', `sha256:${hex('c')}`],
        ['2.0', 'targets', `sha256:${hex('b')}`],
      ]);
      expect(view.ignored).toEqual([{ tag: '2.0', role: 'targets/releases', reason: 'outside the paths delegated to targets/releases' }]);
    });
  });

  describe('when a delegation Docker does not read signs a tag', () => {
    it('reports it, and trusts it (within its paths) only when all roles are asked for', async () => {
      const alice = ecdsaKey();
      const collection = await load({
        targets: { '1.0': { sha256: hex('a'), length: 10 } },
        delegations: [{ name: 'targets/alice', paths: ['dev-'], keys: [alice], threshold: 1, targets: { 'dev-1': { sha256: hex('f'), length: 60 }, '1.0': { sha256: hex('9'), length: 70 }, 'x': { sha256: hex('8'), length: 80 } } }],
      });
      expect(dockerTags(collection.trusted).tags.map((t) => t.tag)).toEqual(['1.0']);
      expect(dockerTags(collection.trusted).ignored.map((i) => i.tag)).toEqual(['dev-1', '1.0', 'x']);
      const all = dockerTags(collection.trusted, { allRoles: true });
      expect(all.tags.map((t) => [t.tag, t.role])).toEqual([
        ['1.0', 'targets'],
        ['dev-1', 'targets/alice'],
      ]);
      expect(all.ignored).toEqual([{ tag: 'x', role: 'targets/alice', reason: 'outside the paths delegated to targets/alice' }]);
    });
  });

  describe('when a delegation is signed below its threshold', () => {
    it('skips the role, as Notary does, and keeps the top-level tags', async () => {
      const [a, b] = [ecdsaKey(), ecdsaKey()];
      const collection = await load({
        targets: { '1.0': { sha256: hex('a'), length: 10 } },
        delegations: [{ name: 'targets/releases', paths: [''], keys: [a, b], threshold: 2, signers: [a], targets: { '1.0': { sha256: hex('e'), length: 50 } } }],
      });
      expect(collection.skippedRoles).toHaveLength(1);
      expect(collection.skippedRoles[0]!.reason).toMatch(/targets\/releases of .* has 1\/2 valid signatures/);
      expect(dockerTags(collection.trusted).tags.map((t) => t.digest)).toEqual([`sha256:${hex('a')}`]);
    });
  });

  describe('when targets is signed by fewer keys than its threshold', () => {
    it('refuses the collection, naming the count', async () => {
      const [a, b] = [ecdsaKey(), ecdsaKey()];
      await refused({ targetsKeys: [a, b], targetsThreshold: 2, targetsSigners: [a] }, 'notary-below-threshold', /targets of .* has 1\/2 valid signatures/);
    });
  });

  describe('when targets is signed by a key the root does not trust for it (wrong key)', () => {
    it('refuses the collection', async () => {
      await refused({ targetsSigners: [ecdsaKey()] }, 'notary-below-threshold', /targets of .* has 0\/1 valid signatures/);
    });
  });

  describe('when an ECDSA signature is DER-encoded instead of raw r‖s', () => {
    it('does not count it', async () => {
      await refused({ derSignatures: true }, 'notary-below-threshold', /root of .* has 0\/1 valid signatures/);
    });
  });

  describe('when the root key is a bare key rather than a certificate', () => {
    it('refuses the root', async () => {
      await refused({ root: ed25519Key() }, 'notary-root-certificate', /is not an x509 certificate/);
    });
  });

  describe('when the root certificate has expired', () => {
    it('refuses the root, saying when the certificate was valid', async () => {
      const shortLived = await rootCertificateKey(GUN, 1);
      const dir = await craftCollection({ gun: GUN, root: shortLived, targets: {} });
      dirs.push(dir);
      const later = new Date(Date.now() + 3 * 86_400_000);
      const error = await loadNotaryCollection(new TrustDirectoryFetcher(dir, GUN), { gun: GUN, pin: keyIdPin([shortLived.id]), now: later }).catch((e: unknown) => e);
      expect((error as SignetError).code).toBe('notary-root-certificate');
      expect((error as SignetError).message).toMatch(/is not valid at .* \(valid .* to .*\)/);
    });
  });

  describe('when the root certificate is signed with SHA-1', () => {
    it('refuses the root, as Notary does', async () => {
      const weak = await rootCertificateKey(GUN, 36500, 'sha1');
      const dir = await craftCollection({ gun: GUN, root: weak, targets: {} });
      dirs.push(dir);
      const error = await loadNotaryCollection(new TrustDirectoryFetcher(dir, GUN), { gun: GUN, pin: keyIdPin([weak.id]), now }).catch((e: unknown) => e);
      expect((error as SignetError).code).toBe('notary-root-certificate');
      expect((error as SignetError).message).toContain('signed with SHA-1');
    });
  });

  describe('when the snapshot records a different root (mix-and-match)', () => {
    it('refuses the snapshot', async () => {
      await refused({ snapshotRootBytes: Buffer.from('{"another":"root"}') }, 'notary-length-mismatch', /root of .* \(as the snapshot records it\)/);
    });
  });

  describe('when the timestamp has expired (freeze)', () => {
    it('refuses the timestamp', async () => {
      await refused({ timestampExpires: '2029-12-31T23:59:59.999999999Z' }, 'notary-expired', /timestamp of .* expired at 2029-12-31T23:59:59\.999999999Z/);
    });
  });

  describe('when a root certificate with a wildcard CN covers the GUN', () => {
    it('accepts it, as Notary does for `namespace/*` certificates', async () => {
      const wildcard = await rootCertificateKey('registry.example.com/team/*', 36500);
      const dir = await craftCollection({ gun: GUN, root: wildcard, targets: {} });
      dirs.push(dir);
      const collection = await loadNotaryCollection(new TrustDirectoryFetcher(dir, GUN), { gun: GUN, pin: keyIdPin([wildcard.id]), now });
      expect(collection.trusted.rootSignerIds).toEqual([wildcard.id]);
    });
  });
});

/** Every (parent, key) pair in a JSON document, depth first. */
function paths(doc: unknown): Array<[Record<string, unknown> | unknown[], string | number]> {
  const out: Array<[Record<string, unknown> | unknown[], string | number]> = [];
  const walk = (node: unknown) => {
    if (node && typeof node === 'object') {
      for (const key of Object.keys(node)) {
        out.push([node as Record<string, unknown>, Array.isArray(node) ? Number(key) : key]);
        walk((node as Record<string, unknown>)[key]);
      }
    }
  };
  walk(doc);
  return out;
}

describe('when any field of any role is replaced by a value of another type', () => {
  it('refuses with a SignetError, never a crash', async () => {
    const root = await rootCertificateKey(GUN, 36500);
    const dir = await craftCollection({
      gun: GUN,
      root,
      targets: { '1.0': { sha256: hex('a'), length: 10 } },
      delegations: [{ name: 'targets/releases', paths: [''], keys: [ecdsaKey()], threshold: 1, targets: { '2.0': { sha256: hex('b'), length: 20 } } }],
    });
    const metadata = join(dir, 'tuf', ...GUN.split('/'), 'metadata');
    const roles = ['root', 'timestamp', 'snapshot', 'targets', 'targets/releases'];
    const originals = new Map<string, string>();
    for (const role of roles) originals.set(role, await readFile(join(metadata, `${role}.json`), 'utf8'));
    const replacements: unknown[] = [null, 0, -1, 1.5, 'x', '', [], {}, true, [null], { keyval: null }];
    let crashes = 0;
    // Every field of every role, twice, each time with another replacement value.
    for (const offset of [0, 5]) {
      for (const role of roles) {
        const count = paths(JSON.parse(originals.get(role)!)).length;
        for (let i = 0; i < count; i++) {
          const doc = JSON.parse(originals.get(role)!);
          const [parent, key] = paths(doc)[i]!;
          (parent as Record<string | number, unknown>)[key] = replacements[(i + offset) % replacements.length];
          await writeFile(join(metadata, `${role}.json`), JSON.stringify(doc));
          const outcome = await loadNotaryCollection(new TrustDirectoryFetcher(dir, GUN), { gun: GUN, pin: keyIdPin([root.id]), now }).then(
            () => undefined,
            (e: unknown) => e,
          );
          if (outcome !== undefined && !(outcome instanceof SignetError)) {
            crashes++;
            console.error(role, key, outcome);
          }
        }
        await writeFile(join(metadata, `${role}.json`), originals.get(role)!);
      }
    }
    await rm(dir, { recursive: true, force: true });
    expect(crashes).toBe(0);
  });
});
