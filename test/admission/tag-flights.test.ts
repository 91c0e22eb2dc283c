// TagChecks (the deploy gate's tag path) in isolation, with a scripted
// registry and trust session: a hung registry fetch is joined only briefly,
// and only manifests that verified are handed on to be kept by digest (an
// unsigned manifest from a registry the Pod's author controls must not take
// the gate's memory). Both found by review.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JOIN_MAX_MS, TagChecks } from '../../src/admission/tag-checks.js';
import { parseRegistryReference } from '../../src/registry/reference.js';
import type { Manifest } from '../../src/image/manifest.js';
import type { WarmTrust } from '../../src/admission/warm-trust.js';

function manifestOf(text: string): Manifest {
  const bytes = Buffer.from(text);
  return { digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, size: bytes.length, mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes } as Manifest;
}

/** A warm session whose trusted targets sign `signed` for every tag. */
function warmSigning(signed: Manifest): WarmTrust {
  const hex = signed.digest.slice('sha256:'.length);
  const session = { lookup: async () => ({ length: signed.bytes.length, hashes: { sha256: hex }, custom: {} }), revocationOf: async () => undefined };
  return { use: async (_now: Date, work: (s: unknown) => Promise<unknown>) => work(session) } as unknown as WarmTrust;
}

const ref = parseRegistryReference('registry.example.com/team/app:1.0');

describe('a registry fetch that hangs', () => {
  it('is joined by checks that arrive soon after it, not by one that arrives later: that one fetches again and gets the answer', async () => {
    const good = manifestOf('{"schemaVersion":2,"layers":[]}');
    let calls = 0;
    let release!: (m: Manifest) => void;
    const hung = new Promise<Manifest>((resolve) => (release = resolve));
    const tags = new TagChecks(() => (++calls === 1 ? hung : Promise.resolve(good)), 0);
    const warm = warmSigning(good);
    const t0 = Date.parse('2026-11-23T12:00:00Z');
    const first = tags.verify(warm, ref, new Date(t0), 'validate');
    const soon = tags.verify(warm, ref, new Date(t0 + JOIN_MAX_MS / 2), 'validate');
    const later = await tags.verify(warm, ref, new Date(t0 + JOIN_MAX_MS + 50_000), 'validate');
    expect(later.digest).toBe(good.digest);
    expect(calls).toBe(2);
    expect(tags.stats).toMatchObject({ fetched: 2, joined: 1 });
    release(good);
    expect((await first).digest).toBe(good.digest);
    expect((await soon).digest).toBe(good.digest);
  });
});

describe('what the gate is told to keep', () => {
  it('only manifests that verified: an unsigned tag fetched from the registry is not handed on', async () => {
    const signed = manifestOf('{"schemaVersion":2,"signed":true}');
    const unsigned = manifestOf('{"schemaVersion":2,"signed":false}');
    const kept: string[] = [];
    let serve = unsigned;
    const tags = new TagChecks(async () => serve, 0, (_ref, manifest) => kept.push(manifest.digest));
    const warm = warmSigning(signed);
    await expect(tags.verify(warm, ref, new Date(), 'validate')).rejects.toThrow();
    expect(kept).toEqual([]);
    serve = signed;
    expect((await tags.verify(warm, ref, new Date(), 'validate')).digest).toBe(signed.digest);
    expect(kept).toEqual([signed.digest]);
  });
});
