// A trust repository kept in an OCI registry, next to the images: each TUF
// metadata file is an artifact (oci-artifact.ts) under a tag derived from its
// file name (oci-tags.ts). Reads hash what they receive against the manifest's
// layer descriptor and are bounded before any byte is downloaded. Publishers
// serialise through a lease tag (registry-lease.ts). Location:
//   oci://host[:port]/repository[/path]      e.g. oci://registry.example/team/app

import type { FaultHook, MetadataStore, PublishLock } from './metadata-store.js';
import { isSafeStoreName } from './metadata-store.js';
import { LEASE_TAG, nameForTag, tagForName } from './oci-tags.js';
import { CONFIG_BYTES, artifactManifest, leaseManifest, leaseOf, payloadDescriptor } from './oci-artifact.js';
import { RegistryLease, type LeaseOptions } from './registry-lease.js';
import type { RegistryClient, Repository } from '../registry/registry-client.js';
import { MEDIA_TYPES, type Manifest } from '../image/manifest.js';
import { checkName } from '../image/image-reference.js';
import { SignetError, UsageError, VerificationError } from '../errors.js';
import type { RegistryFailure } from '../registry/registry-errors.js';

export const OCI_STORE_PREFIX = 'oci://';
const BLOB_RACE_ATTEMPTS = 4;

export interface OciStoreOptions {
  /** Registry client settings (auth, TLS); see RegistryClientOptions. */
  registry?: Record<string, unknown>;
  /** A client to share (connection pool and token cache); made from `registry` when absent. */
  client?: RegistryClient;
  lease?: Omit<LeaseOptions, 'location' | 'faults'>;
  /** Crash-test hook; see FaultHook. */
  faults?: FaultHook;
}

/** `oci://host[:port]/repo` → registry and repository. Throws a UsageError naming the bad part. */
export function parseOciLocation(location: string): Repository {
  if (!location.startsWith(OCI_STORE_PREFIX)) throw new UsageError('bad-store', `${location} is not an oci:// location`);
  const rest = location.slice(OCI_STORE_PREFIX.length).replace(/\/+$/, '');
  const slash = rest.indexOf('/');
  if (slash <= 0) throw new UsageError('bad-store', `${location}: expected oci://host[:port]/repository`);
  const registry = rest.slice(0, slash);
  const repository = rest.slice(slash + 1);
  if (!/^[A-Za-z0-9.-]+(?::[0-9]+)?$|^\[[0-9A-Fa-f:]+\](?::[0-9]+)?$/.test(registry)) {
    throw new UsageError('bad-store', `${location}: "${registry}" is not a registry host[:port]`);
  }
  checkName(repository, location);
  return { registry, repository };
}

export class OciStore implements MetadataStore {
  readonly location: string;
  private readonly lease: RegistryLease;
  private readonly faults: FaultHook;
  private configPushed = false;

  private constructor(readonly client: RegistryClient, readonly repo: Repository, options: OciStoreOptions) {
    this.location = `${OCI_STORE_PREFIX}${repo.registry}/${repo.repository}`;
    this.faults = options.faults ?? (() => undefined);
    // The lease lives in the manifest itself (one GET to read, one PUT to write),
    // keeping the timed read-to-write window of the protocol short.
    const cell = {
      prepare: async () => {
        await this.client.pushBlob(this.repo, CONFIG_BYTES);
        this.configPushed = true;
      },
      read: async () => {
        const manifest = await this.getManifestOrUndefined(LEASE_TAG);
        return manifest && leaseOf(manifest.bytes);
      },
      write: async (bytes: Uint8Array) => {
        await this.faults(`tag ${LEASE_TAG}`);
        await this.pushArtifact(LEASE_TAG, leaseManifest(bytes), [CONFIG_BYTES]);
      },
    };
    this.lease = new RegistryLease(cell, { ...options.lease, location: this.location, faults: this.faults });
  }

  /** Open `oci://host/repo`; the registry client (undici) is loaded here, lazily. */
  static async open(location: string, options: OciStoreOptions = {}): Promise<OciStore> {
    const repo = parseOciLocation(location);
    let client = options.client;
    if (!client) {
      const { registryClientFor } = await import('../registry/registry-source.js');
      client = registryClientFor(options.registry ?? {});
    }
    return new OciStore(client, repo, options);
  }

  async get(name: string, maxBytes: number): Promise<Uint8Array | undefined> {
    this.checkName(name);
    return this.getPayload(name, tagForName(name), maxBytes);
  }

  async put(name: string, bytes: Uint8Array): Promise<void> {
    this.checkName(name);
    await this.putPayload(name, tagForName(name), bytes);
  }

  /** Write-once: HEAD the tag first (the registry has no conditional PUT; see docs/concurrency.md). */
  async putNew(name: string, bytes: Uint8Array): Promise<boolean> {
    this.checkName(name);
    const tag = tagForName(name);
    if (await this.client.headManifest({ ...this.repo, reference: tag })) return false;
    await this.putPayload(name, tag, bytes);
    return true;
  }

  async list(): Promise<string[]> {
    let tags: string[];
    try {
      tags = await this.client.listTags(this.repo);
    } catch (error) {
      if (error instanceof SignetError && error.code === 'not-found') return [];
      throw error;
    }
    return tags.map(nameForTag).filter((n): n is string => n !== undefined && isSafeStoreName(n));
  }

  withLock<T>(work: (lock: PublishLock) => Promise<T>): Promise<T> {
    return this.lease.withLease(work);
  }

  /** The payload under `tag`, checked against its descriptor; undefined when the tag does not exist. */
  private async getManifestOrUndefined(tag: string): Promise<Manifest | undefined> {
    try {
      return await this.client.getManifest({ ...this.repo, tag });
    } catch (error) {
      if (error instanceof SignetError && error.code === 'not-found') return undefined;
      throw error;
    }
  }

  /** The payload under `tag`, checked against its descriptor; undefined when the tag does not exist. */
  private async getPayload(name: string, tag: string, maxBytes: number): Promise<Uint8Array | undefined> {
    const manifest = await this.getManifestOrUndefined(tag);
    if (!manifest) return undefined;
    const layer = payloadDescriptor(manifest.bytes, name, this.location);
    if (layer.size > maxBytes) {
      throw new VerificationError('too-large', `${name} in ${this.location} is ${layer.size} bytes, more than the ${maxBytes}-byte limit`);
    }
    // fetchBlob hashes and counts every byte against the descriptor.
    const chunks: Buffer[] = [];
    await this.client.fetchBlob(this.repo, layer, (chunk) => {
      chunks.push(chunk);
    });
    return Buffer.concat(chunks);
  }

  /** Upload the payload and the shared config, then point `tag` at a new artifact manifest. */
  private async putPayload(name: string, tag: string, bytes: Uint8Array): Promise<void> {
    await this.faults(`upload ${name}`);
    await this.client.pushBlob(this.repo, bytes);
    if (!this.configPushed) await this.client.pushBlob(this.repo, CONFIG_BYTES);
    this.configPushed = true;
    await this.faults(`tag ${name}`);
    await this.pushArtifact(tag, artifactManifest(name, bytes), [bytes, CONFIG_BYTES]);
  }

  /**
   * Tag a manifest. Distribution can briefly refuse a manifest whose blob another
   * client is uploading at the same moment (MANIFEST_BLOB_UNKNOWN / DIGEST_INVALID
   * when two publishers push the shared config at once): re-push the blobs and retry.
   */
  private async pushArtifact(tag: string, manifest: Uint8Array, blobs: Uint8Array[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.pushManifest(this.repo, tag, manifest, MEDIA_TYPES.ociManifest);
        return;
      } catch (error) {
        const codes = (error as RegistryFailure).registry?.codes ?? [];
        const racing = codes.includes('MANIFEST_BLOB_UNKNOWN') || codes.includes('DIGEST_INVALID') || codes.includes('BLOB_UNKNOWN');
        if (!racing || attempt >= BLOB_RACE_ATTEMPTS) throw error;
        await new Promise((r) => setTimeout(r, 50 * attempt));
        for (const blob of blobs) await this.client.pushBlob(this.repo, blob);
      }
    }
  }

  private checkName(name: string): void {
    if (!isSafeStoreName(name)) throw new UsageError('bad-store-name', `refusing unsafe metadata name ${JSON.stringify(name)}`);
  }
}
