// describeRoot and rotateRoot as a library: thresholds, expiry, key changes.

import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRoot } from '../../src/trust/root-builder.js';
import { generateEd25519 } from '../../src/keys/ed25519.js';
import { ed25519Signer, type Signer } from '../../src/keys/signer.js';
import { describeRoot } from '../../src/ceremony/root-report.js';
import { rotateRoot } from '../../src/ceremony/root-rotate.js';
import { signRoot } from '../../src/ceremony/root-sign.js';
import { readRootFile } from '../../src/ceremony/root-file.js';
import { verifyRootUpdate } from '../../src/trust/root-chain.js';
import { SignetError } from '../../src/errors.js';

const NOW = new Date('2026-11-22T06:00:00Z');

async function signer(): Promise<Signer> {
  const { seed, publicKey } = await generateEd25519();
  return ed25519Signer(seed, publicKey);
}

async function twoOfThree() {
  const root = [await signer(), await signer(), await signer()];
  const online = await signer();
  const doc = buildRoot({
    roles: {
      root: { keys: root.map((s) => s.publicKey), threshold: 2 },
      targets: { keys: [online.publicKey], threshold: 1 },
      snapshot: { keys: [online.publicKey], threshold: 1 },
      timestamp: { keys: [online.publicKey], threshold: 1 },
    },
    now: NOW,
  });
  return { root, online, doc };
}

describe('describeRoot', () => {
  it('is valid at threshold and not before', async () => {
    const { root, doc } = await twoOfThree();
    await signRoot(doc, root[0]!);
    expect(describeRoot(doc, NOW)).toMatchObject({ ok: false, self: { signed: 1, threshold: 2, met: false } });
    await signRoot(doc, root[1]!);
    expect(describeRoot(doc, NOW)).toMatchObject({ ok: true, expired: false, self: { signed: 2, met: true } });
  });

  it('does not call an expired root valid, even at threshold', async () => {
    const { root, doc } = await twoOfThree();
    for (const s of root) await signRoot(doc, s);
    const later = new Date(NOW.getTime() + 2 * 365 * 86400_000);
    expect(describeRoot(doc, later)).toMatchObject({ ok: false, expired: true, self: { met: true } });
  });
});

describe('rotateRoot', () => {
  it('bumps the version, drops retired keys from the key list and needs both thresholds', async () => {
    const { root, doc } = await twoOfThree();
    for (const s of root.slice(0, 2)) await signRoot(doc, s);
    const dave = await signer();
    const next = rotateRoot(doc, { remove: [{ role: 'root', keyId: root[2]!.keyId.slice(0, 8) }], add: [{ role: 'root', key: dave.publicKey }] }, NOW);
    expect(next.signed.version).toBe(2);
    expect(next.signatures).toEqual([]);
    expect(Object.keys(next.signed.keys)).not.toContain(root[2]!.keyId);
    expect(next.signed.roles['root']!.keyids).toEqual([root[0]!.keyId, root[1]!.keyId, dave.keyId]);

    await signRoot(next, dave, doc);
    await signRoot(next, root[2]!, doc); // retired, but a root v1 key: counts for v1 only
    expect(() => verifyRootUpdate(doc, next)).toThrow(/root v2 is signed by 1\/2 keys of root v1/);
    await signRoot(next, root[0]!, doc);
    expect(() => verifyRootUpdate(doc, next)).not.toThrow();
    expect(describeRoot(next, NOW, doc)).toMatchObject({ ok: true, previous: { version: 1, met: true }, self: { met: true } });
  });

  it('refuses a threshold the remaining keys cannot meet', async () => {
    const { root, doc } = await twoOfThree();
    expect(() =>
      rotateRoot(doc, { remove: [{ role: 'root', keyId: root[0]!.keyId }, { role: 'root', keyId: root[1]!.keyId }] }, NOW),
    ).toThrow(/root would have threshold 2 with 1 key/);
  });
});

describe('readRootFile', () => {
  it('refuses a root whose roles are malformed, as invalid metadata', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'signet-root-'));
    try {
      const { doc } = await twoOfThree();
      (doc.signed.roles['root'] as unknown as Record<string, unknown>)['keyids'] = 'not-a-list';
      await writeFile(join(dir, 'root.json'), JSON.stringify(doc));
      const error = await readRootFile(join(dir, 'root.json')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SignetError);
      expect((error as SignetError).kind).toBe('invalid');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
