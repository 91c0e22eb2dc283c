// `signet bundle create`: pack what an air-gapped verifier needs for a chosen
// set of images and files: per trust repository, exactly the metadata files a
// verifier starting from the pinned root reads (found by running that very
// verification against the store and recording every file served), plus older
// root versions for verifiers pinned earlier; optionally the images as OCI
// layouts. A directory, or a ustar file when --out ends in .tar.

import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { MetadataStore } from '../store/metadata-store.js';
import { isSafeStoreName } from '../store/metadata-store.js';
import { withTrustSession } from '../verify/trust-session.js';
import { notSignedError } from '../verify/not-signed-error.js';
import { targetNameOf, type ImageReference } from '../image/image-reference.js';
import { groupByTrust, type TrustOptions } from './resolve-trust.js';
import { parseTargetReferences, type ReferenceOptions, type TargetReference } from './references.js';
import { BUNDLE_FORMAT, BUNDLE_IMAGES_DIR, BUNDLE_MANIFEST, type BundleManifest, type BundleRepository } from '../bundle/bundle-manifest.js';
import { writeTar, type TarInput } from '../bundle/ustar.js';
import { copyImageIntoBundle } from '../bundle/bundle-images.js';
import { isRecord } from '../metadata/types.js';
import { LIMITS } from '../limits.js';
import { UsageError } from '../errors.js';
import type { SignetContext } from './context.js';

export interface BundleCreateOptions extends TrustOptions, ReferenceOptions {
  /** A directory (created; must not exist or be empty) or a file ending in `.tar`. */
  out: string;
  /** Pack the images too, as OCI layouts under `images/`. */
  withImages?: boolean;
}

export interface BundleReport {
  out: string;
  format: 'directory' | 'tar';
  repositories: Array<BundleRepository & { files: number; timestampExpires: string }>;
  /** Images packed (with --with-images). */
  images: string[];
}

export async function createBundle(texts: readonly string[], options: BundleCreateOptions, ctx: SignetContext): Promise<BundleReport> {
  if (options.bundle) throw new UsageError('bad-option', '--bundle reads from a bundle; `bundle create` reads from the trust repositories themselves');
  if (texts.length === 0) throw new UsageError('nothing-to-bundle', 'name the images and files the bundle is for');
  const out = resolve(ctx.cwd, options.out);
  const asTar = out.endsWith('.tar');
  await refuseExisting(out, asTar);
  const refs = await parseTargetReferences(texts, options, ctx);
  const groups = await groupByTrust(refs, options, ctx);
  const staging = asTar ? await mkdtemp(join(dirname(out), '.signet-bundle-')) : out;
  // A fresh trusted state: the recording then holds every file a verifier starting from the pin needs.
  const scratchHome = await mkdtemp(join(tmpdir(), 'signet-bundle-home-'));
  try {
    await fs.mkdir(staging, { recursive: true });
    const manifest: BundleManifest = { signetBundle: BUNDLE_FORMAT, created: ctx.now.toISOString(), repositories: [], images: false };
    const report: BundleReport = { out, format: asTar ? 'tar' : 'directory', repositories: [], images: [] };
    for (const [i, group] of groups.entries()) {
      const recorded = new Map<string, Uint8Array>();
      const store = recordingStore(group.trust.store, recorded);
      const source = { store, pinnedRoot: group.trust.pinnedRootBytes, home: scratchHome };
      await withTrustSession(source, async (session) => {
        for (const ref of group.items) {
          const name = ref.kind === 'file' ? ref.name : targetNameOf(ref);
          if (!(await session.lookup(name))) throw await notSignedError(session, name);
        }
      });
      // Every root up to the pinned one, for a verifier whose pin predates the creator's.
      for (let version = 1; version <= group.trust.pinnedRoot.signed.version && version <= LIMITS.maxRootRotations; version++) {
        const bytes = await group.trust.store.get(`${version}.root.json`, LIMITS.rootBytes);
        if (bytes) recorded.set(`${version}.root.json`, bytes);
      }
      const repository: BundleRepository = { dir: `trust/${i}`, source: group.trust.store.location, names: [...new Set(group.items.map((r) => r.name))] };
      await fs.mkdir(join(staging, repository.dir), { recursive: true });
      for (const [name, bytes] of recorded) await fs.writeFile(join(staging, repository.dir, name), bytes, { flag: 'wx' });
      manifest.repositories.push(repository);
      report.repositories.push({ ...repository, files: recorded.size, timestampExpires: expiresOf(recorded.get('timestamp.json')) });
      ctx.log(`${group.trust.store.location}: ${recorded.size} metadata files for ${repository.names.join(', ')}`);
    }
    if (options.withImages) {
      const images = refs.filter((r): r is ImageReference => r.kind !== 'file');
      for (const ref of images) {
        await copyImageIntoBundle(ref, join(staging, BUNDLE_IMAGES_DIR), options, ctx);
        report.images.push(ref.text);
      }
      manifest.images = true;
    }
    await fs.writeFile(join(staging, BUNDLE_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx' });
    if (asTar) await tarDirectory(staging, out);
    return report;
  } catch (error) {
    if (!asTar) await fs.rm(out, { recursive: true, force: true });
    throw error;
  } finally {
    await fs.rm(scratchHome, { recursive: true, force: true });
    if (asTar) await fs.rm(staging, { recursive: true, force: true });
  }
}

/** A read-through store that keeps every file served (a bundle needs exactly these). */
function recordingStore(store: MetadataStore, recorded: Map<string, Uint8Array>): MetadataStore {
  return {
    location: store.location,
    get: async (name, maxBytes) => {
      const bytes = await store.get(name, maxBytes);
      if (bytes !== undefined && isSafeStoreName(name)) recorded.set(name, bytes);
      return bytes;
    },
    put: (name, bytes) => store.put(name, bytes),
    list: () => store.list(),
    withLock: (work) => store.withLock(work),
  };
}

async function refuseExisting(out: string, asTar: boolean): Promise<void> {
  const stat = await fs.lstat(out).catch(() => undefined);
  if (!stat) return;
  if (asTar || !stat.isDirectory() || (await fs.readdir(out)).length > 0) {
    throw new UsageError('bundle-exists', `${out} already exists; bundles are written once: choose a new --out`);
  }
}

/** Pack `dir` into `out` (written beside it, then renamed into place). */
async function tarDirectory(dir: string, out: string): Promise<void> {
  const entries: TarInput[] = [];
  const walk = async (at: string): Promise<void> => {
    for (const item of (await fs.readdir(at, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(at, item.name);
      const name = relative(dir, path).split(sep).join('/');
      if (item.isDirectory()) {
        entries.push({ name, dir: true });
        await walk(path);
      } else if (item.isFile()) entries.push({ name, path });
    }
  };
  await walk(dir);
  const temp = `${out}.part`;
  try {
    await writeTar(temp, entries);
    await fs.rename(temp, out);
  } finally {
    await fs.rm(temp, { force: true });
  }
}

function expiresOf(bytes: Uint8Array | undefined): string {
  if (!bytes) return '';
  try {
    const doc = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    const signed = isRecord(doc) ? doc['signed'] : undefined;
    return isRecord(signed) && typeof signed['expires'] === 'string' ? signed['expires'] : '';
  } catch {
    return '';
  }
}

