// Reading an air-gap bundle, a directory or a ustar file made by `signet
// bundle create`: each trust repository in it is a read-only MetadataStore
// (so a bundle is just another mirror of the repository), and the images, when
// packed, an OCI layout. Nothing here touches the network.

import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { MetadataStore } from '../store/metadata-store.js';
import { isSafeStoreName } from '../store/metadata-store.js';
import { readFileBounded } from '../store/atomic-file.js';
import { BUNDLE_IMAGES_DIR, BUNDLE_MANIFEST, parseBundleManifest, type BundleManifest, type BundleRepository } from './bundle-manifest.js';
import { extractTarEntry, listTar, readTarEntry, type TarEntry } from './ustar.js';
import { LIMITS } from '../limits.js';
import { UsageError, VerificationError } from '../errors.js';

export const BUNDLE_PREFIX = 'bundle:';

export interface Bundle {
  /** Absolute path of the bundle directory or tar file. */
  readonly path: string;
  readonly manifest: BundleManifest;
  /** The repository that carries `name` (an image name or file target name); the only one when there is one. */
  repositoryFor(name: string): BundleRepository | undefined;
  /** A read-only store over one repository's metadata. */
  storeOf(repository: BundleRepository): MetadataStore;
  /** The OCI layout of the packed images (extracted to a temp dir for a tar; removed by `close`). */
  imagesLayout(): Promise<string>;
  close(): Promise<void>;
}

/** Open the bundle at `path` (a directory or a .tar file). */
export async function openBundle(path: string): Promise<Bundle> {
  const abs = resolve(path);
  let stat;
  try {
    stat = await fs.stat(abs);
  } catch (error) {
    throw new UsageError('bundle-not-found', `bundle ${abs} does not exist`, { cause: error });
  }
  if (stat.isDirectory()) {
    const bytes = await readFileBounded(join(abs, BUNDLE_MANIFEST), LIMITS.bundleManifestBytes, { refuseSymlink: true });
    if (bytes === undefined) throw new UsageError('not-a-bundle', `${abs} holds no ${BUNDLE_MANIFEST}: is it a bundle made by \`signet bundle create\`?`);
    return new DirectoryBundle(abs, parseBundleManifest(bytes, abs));
  }
  if (!stat.isFile()) throw new UsageError('not-a-bundle', `${abs} is neither a bundle directory nor a bundle tar file`);
  const entries = await listTar(abs, { maxEntries: LIMITS.maxBundleEntries, maxEntryBytes: LIMITS.blobBytes, maxTotalBytes: LIMITS.bundleTotalBytes });
  const byName = new Map(entries.map((e) => [e.name, e]));
  const manifestEntry = byName.get(BUNDLE_MANIFEST);
  if (!manifestEntry || manifestEntry.type !== 'file') throw new UsageError('not-a-bundle', `${abs} holds no ${BUNDLE_MANIFEST}: is it a bundle made by \`signet bundle create\`?`);
  if (manifestEntry.size > LIMITS.bundleManifestBytes) throw new VerificationError('too-large', `${BUNDLE_MANIFEST} in ${abs} is larger than ${LIMITS.bundleManifestBytes} bytes`);
  return new TarBundle(abs, parseBundleManifest(await readTarEntry(abs, manifestEntry), abs), byName);
}

abstract class BaseBundle implements Bundle {
  constructor(
    readonly path: string,
    readonly manifest: BundleManifest,
  ) {}

  repositoryFor(name: string): BundleRepository | undefined {
    const repos = this.manifest.repositories;
    return repos.find((r) => r.names.includes(name)) ?? (repos.length === 1 ? repos[0] : undefined);
  }

  storeOf(repository: BundleRepository): MetadataStore {
    const several = this.manifest.repositories.length > 1;
    const location = `${BUNDLE_PREFIX}${this.path}${several ? `#${repository.dir}` : ''}`;
    const read = (name: string, maxBytes: number) => this.read(repository, name, maxBytes);
    return {
      location,
      get: async (name, maxBytes) => {
        if (!isSafeStoreName(name)) throw new VerificationError('bad-metadata-name', `refusing metadata name ${JSON.stringify(name)} in ${location}`);
        return read(name, maxBytes);
      },
      put: () => Promise.reject(readOnly(location)),
      withLock: () => Promise.reject(readOnly(location)),
      list: () => this.names(repository),
    };
  }

  async close(): Promise<void> {}
  abstract imagesLayout(): Promise<string>;
  protected abstract read(repository: BundleRepository, name: string, maxBytes: number): Promise<Uint8Array | undefined>;
  protected abstract names(repository: BundleRepository): Promise<string[]>;
}

class DirectoryBundle extends BaseBundle {
  protected async read(repository: BundleRepository, name: string, maxBytes: number): Promise<Uint8Array | undefined> {
    try {
      return await readFileBounded(join(this.path, repository.dir, name), maxBytes, { refuseSymlink: true });
    } catch (error) {
      if (error instanceof UsageError && error.code === 'too-large') throw new VerificationError('too-large', `${name} in bundle ${this.path} is larger than ${maxBytes} bytes`, { cause: error });
      throw error;
    }
  }

  protected async names(repository: BundleRepository): Promise<string[]> {
    return fs.readdir(join(this.path, repository.dir)).catch(() => []);
  }

  async imagesLayout(): Promise<string> {
    if (!this.manifest.images) throw noImages(this.path);
    return join(this.path, BUNDLE_IMAGES_DIR);
  }
}

class TarBundle extends BaseBundle {
  private extracted: Promise<string> | undefined;
  private tempDir: string | undefined;

  constructor(
    path: string,
    manifest: BundleManifest,
    private readonly entries: ReadonlyMap<string, TarEntry>,
  ) {
    super(path, manifest);
  }

  protected async read(repository: BundleRepository, name: string, maxBytes: number): Promise<Uint8Array | undefined> {
    const entry = this.entries.get(`${repository.dir}/${name}`);
    if (!entry || entry.type !== 'file') return undefined;
    if (entry.size > maxBytes) throw new VerificationError('too-large', `${name} in bundle ${this.path} is larger than ${maxBytes} bytes`);
    return readTarEntry(this.path, entry);
  }

  protected async names(repository: BundleRepository): Promise<string[]> {
    const prefix = `${repository.dir}/`;
    return [...this.entries.keys()].filter((n) => n.startsWith(prefix) && !n.slice(prefix.length).includes('/')).map((n) => n.slice(prefix.length));
  }

  /** Extract `images/` once into a private temp dir (paths were checked by listTar). */
  imagesLayout(): Promise<string> {
    if (!this.manifest.images) return Promise.reject(noImages(this.path));
    this.extracted ??= (async () => {
      this.tempDir = await mkdtemp(join(tmpdir(), 'signet-bundle-'));
      const root = join(this.tempDir, BUNDLE_IMAGES_DIR);
      await fs.mkdir(root, { mode: 0o700 });
      const prefix = `${BUNDLE_IMAGES_DIR}/`;
      for (const entry of this.entries.values()) {
        if (!entry.name.startsWith(prefix)) continue;
        const target = join(root, entry.name.slice(prefix.length));
        if (entry.type === 'dir') await fs.mkdir(target, { recursive: true });
        else {
          await fs.mkdir(dirname(target), { recursive: true });
          await extractTarEntry(this.path, entry, target);
        }
      }
      return root;
    })();
    return this.extracted;
  }

  override async close(): Promise<void> {
    if (this.tempDir) await fs.rm(this.tempDir, { recursive: true, force: true });
  }
}

function readOnly(location: string): UsageError {
  return new UsageError('read-only-store', `${location} is a bundle: it can be verified from, not published to`);
}

function noImages(path: string): UsageError {
  return new UsageError('bundle-without-images', `bundle ${path} carries trust metadata only; make it with \`signet bundle create --with-images\` to pull from it`);
}
