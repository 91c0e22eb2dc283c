// In-process measurements of the hashed bins layout with the built library:
// a 100,000-tag repository (tag + digest target per tag, as `signet sign`
// writes them) generated directly with the writer, at several bin counts;
// snapshot size, bytes and time of one tuf-js lookup cold and warm.

import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manifestFor, sha256 } from './images.mjs';

/** An in-memory ed25519 signer for throwaway benchmark repositories. */
function ephemeralSigner(lib) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const d = Buffer.from(privateKey.export({ format: 'jwk' }).d, 'base64url');
  const x = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url');
  return lib.ed25519Signer(d, x);
}

export function manifestObject(base, tag) {
  const bytes = manifestFor(base, tag);
  return { bytes, digest: `sha256:${sha256(bytes)}`, size: bytes.length, mediaType: 'application/vnd.oci.image.manifest.v1+json' };
}

/** Add `count` synthetic tags of `name` to an open TrustRepository, as signet sign would. */
export async function addSyntheticTags(lib, repo, name, base, count, tagName) {
  for (let i = 0; i < count; i++) {
    const tag = tagName(i);
    for (const entry of lib.targetsFor({ kind: 'registry', name, tag, text: `${name}:${tag}` }, manifestObject(base, tag))) {
      await repo.addTarget(entry);
    }
  }
}

/** One row: layout with 2^bitLength bins (0 = flat) and `tags` tags. */
export async function measureLayout(lib, { bitLength, tags, base, cacheAllBins = false }) {
  const dir = await mkdtemp(join(tmpdir(), 'signet-bench-bins-'));
  try {
    const signer = ephemeralSigner(lib);
    const now = new Date();
    const spec = { keys: [signer.publicKey], threshold: 1 };
    const root = lib.buildRoot({ now, roles: { root: spec, targets: spec, snapshot: spec, timestamp: spec } });
    await lib.signEnvelope(root, [signer]);
    const signers = async () => [signer];
    const store = new lib.DirectoryStore(join(dir, 'repo'));
    const init = { signers, now };
    if (bitLength > 0) init.bins = { bitLength };
    await lib.initializeRepository(store, root, init);
    let t = performance.now();
    await lib.updateRepository(store, root, { signers, now }, (repo) => addSyntheticTags(lib, repo, 'bench/big', base, tags, (i) => `t${String(i).padStart(6, '0')}`));
    const generateMs = performance.now() - t;
    const files = await readdir(join(dir, 'repo'));
    const snapshotFile = files.filter((f) => /^\d+\.snapshot\.json$/.test(f)).sort((a, b) => parseInt(b) - parseInt(a))[0];
    const snapshotBytes = (await stat(join(dir, 'repo', snapshotFile))).size;
    const source = { store, pinnedRoot: lib.serialize(root), home: join(dir, 'home') };
    const lookup = async () => {
      const start = performance.now();
      let bytes = 0;
      await lib.withTrustSession(source, async (session) => {
        if (!(await session.lookup('bench/big:t000005'))) throw new Error('bench/big:t000005 not found');
        bytes = session.bytesDownloaded();
      });
      return { ms: performance.now() - start, bytes };
    };
    const cold = await lookup();
    const warm = await lookup();
    // A long-lived verifier ends up caching every bin; a warm lookup then
    // still starts from a copy of its whole trusted state (see RESULTS notes).
    let warmAllBinsMs;
    if (cacheAllBins) {
      // tuf-js re-verifies a bin's signature on every lookup, so this costs a
      // few ms per lookup: done for the default bin count only.
      await lib.withTrustSession(source, async (session) => {
        for (let i = 0; i < Math.min(tags, 6 * 2 ** bitLength); i++) await session.lookup(`bench/big:t${String(i).padStart(6, '0')}`);
      });
      warmAllBinsMs = (await lookup()).ms;
    }
    t = performance.now();
    await lib.updateRepository(store, root, { signers, now }, (repo) => addSyntheticTags(lib, repo, 'bench/big', base, 1, () => 'one-more'));
    const signOneMs = performance.now() - t;
    return { bitLength, bins: bitLength ? 2 ** bitLength : 0, tags, generateMs, snapshotBytes, coldBytes: cold.bytes, coldMs: cold.ms, warmMs: warm.ms, warmBytes: warm.bytes, warmAllBinsMs, signOneMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
