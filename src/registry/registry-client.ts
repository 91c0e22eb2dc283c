// The OCI distribution client (https://github.com/opencontainers/distribution-spec/blob/main/spec.md):
// ping, manifests, tags, blobs, push. Every manifest and blob is hashed over the
// bytes received and compared with what named it; headers are claims, not answers.

import { createHash } from 'node:crypto';
import type { Buffer } from 'node:buffer';
import type { RegistryReference } from '../image/image-reference.js';
import { type Descriptor, type Manifest, mediaTypeOf, MEDIA_TYPES } from '../image/manifest.js';
import { ociDigest, isSha256Digest } from '../metadata/digest.js';
import { isRecord } from '../metadata/types.js';
import { InconclusiveError, SignetError, UsageError, VerificationError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { type ExchangeOptions, type Headers, type HttpRequest, type HttpResponse, HttpTransport, header, readBounded, redactUrl } from './http-transport.js';
import { Authenticator } from './authenticator.js';
import { drainFlowing } from './flowing-body.js';
import { registryError } from './registry-errors.js';
import { type RegistryClientOptions, isLoopbackHost, plainHttpAllowed } from './registry-options.js';
import { DEFAULT_REGISTRY, DOCKER_HUB_ENDPOINT } from './reference.js';

/** Every manifest type signet understands; distribution 2.8 answers 404 to OCI manifests without the OCI types here. */
export const MANIFEST_ACCEPT = [MEDIA_TYPES.ociManifest, MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifest, MEDIA_TYPES.dockerManifestList].join(', ');

/** A repository on a registry: what every call needs. */
export interface Repository {
  registry: string;
  repository: string;
}

/** What a HEAD on a manifest claims (unverified: no bytes were hashed). */
export interface ManifestClaim {
  digest?: string;
  size?: number;
  mediaType?: string;
}

type Scope = 'pull' | 'pull,push';

export class RegistryClient {
  private readonly transport: HttpTransport;
  private readonly auth: Authenticator;
  private readonly bases = new Map<string, Promise<URL>>();

  constructor(private readonly options: RegistryClientOptions = {}) {
    this.transport = new HttpTransport(options);
    this.auth = new Authenticator(this.transport, options.credentials, (url) => this.mayUseHttp(url.host));
  }

  private mayUseHttp(host: string): boolean {
    return plainHttpAllowed(host, this.options);
  }

  /**
   * The base URL of a registry: HTTPS, or plain HTTP for a loopback or
   * `--insecure-registry` host that does not speak TLS (found by one probe, then cached).
   * A loopback host is asked in plain HTTP first (any answer but 400 means it
   * speaks HTTP): a local registry is nearly always plain HTTP, and a TLS probe
   * costs a TLS context (the CA bundle) and a round trip on every run.
   */
  private base(registry: string): Promise<URL> {
    let found = this.bases.get(registry);
    if (!found) {
      found = this.probe(registry);
      this.bases.set(registry, found);
      // A host too slow to answer the probe stays failed for this client: every later
      // call would wait out the same deadline again.
      found.catch((error: unknown) => {
        if (!(error instanceof SignetError && error.code === 'registry-timeout')) this.bases.delete(registry);
      });
    }
    return found;
  }

  private async probe(registry: string): Promise<URL> {
    const host = registry === DEFAULT_REGISTRY ? DOCKER_HUB_ENDPOINT : registry;
    const https = new URL(`https://${host}/`);
    if (!this.mayUseHttp(host)) return https;
    const http = new URL(`http://${host}/`);
    if (isLoopbackHost(host)) {
      try {
        const status = await this.transport.exchange({ method: 'GET', url: new URL('/v2/', http), once: true }, async (res) => res.status);
        // A TLS server answers plain HTTP with 400 (or closes): then try HTTPS.
        if (status !== 400) return http;
      } catch (error) {
        if (error instanceof SignetError && error.code === 'registry-timeout') throw error;
      }
    }
    try {
      await this.transport.exchange({ method: 'GET', url: new URL('/v2/', https) }, async () => undefined);
      return https;
    } catch (error) {
      // Fall back to plain HTTP when the host does not speak TLS (or is down: the
      // plain request then reports that). A certificate problem is reported, never downgraded.
      if (error instanceof SignetError && (error.code === 'registry-tls' || error.code === 'registry-timeout')) throw error;
      return http;
    }
  }

  /**
   * Send a request to `repo`'s registry with credentials for `scope`, answering
   * one 401 challenge. `handle` sees any non-401 response.
   */
  private async send<T>(repo: Repository, scope: Scope | '', build: (base: URL) => Omit<HttpRequest, 'auth'>, what: string, handle: (res: HttpResponse) => Promise<T>, exchange: ExchangeOptions = {}): Promise<T> {
    const base = await this.base(repo.registry);
    const request = build(base);
    const scopeText = scope === '' ? '' : `repository:${repo.repository}:${scope}`;
    const sameOrigin = request.url.origin === base.origin;
    const allowHttp = (url: URL) => this.mayUseHttp(url.host);
    let auth: Headers | undefined = sameOrigin ? await this.auth.headersFor(repo.registry, scopeText) : undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const outcome = await this.transport.exchange({ ...request, ...(auth ? { auth } : {}), allowHttp }, async (res) => {
        // A 401 from another origin (a blob store the registry redirected to) is never
        // answered: the registry's credentials, and tokens fetched with them, go only to
        // the registry's own origin and to the token realm the registry itself named.
        if (res.status === 401 && res.url.origin !== base.origin) throw foreignChallenge(repo.registry, res.url, what);
        if (res.status === 401 && attempt === 0 && sameOrigin) return { challenge: header(res, 'www-authenticate') ?? '' };
        return { value: await handle(res) };
      }, exchange);
      if ('value' in outcome) return outcome.value;
      auth = await this.auth.answer(repo.registry, scopeText, outcome.challenge, what);
    }
    throw new UsageError('registry-denied', `the registry refused access to ${what}`);
  }

  /** `GET /v2/`: is this a registry we can talk to (with our credentials)? */
  async ping(registry: string): Promise<void> {
    await this.send({ registry, repository: '' }, '', (base) => ({ method: 'GET', url: new URL('/v2/', base) }), `the registry ${registry}`, async (res) => {
      if (res.status !== 200) throw await registryError('GET', res, `the registry ${registry}`);
    });
  }

  /**
   * Fetch a manifest by tag or digest, hash the exact bytes, and compare with
   * the reference's digest and the `Docker-Content-Digest` claim.
   * Throws VerificationError('digest-mismatch') naming both digests.
   */
  async getManifest(ref: Repository & Pick<RegistryReference, 'tag' | 'digest'>, expect?: Pick<Descriptor, 'digest' | 'size'>): Promise<Manifest> {
    const reference = ref.digest ?? ref.tag;
    if (!reference) throw new UsageError('bad-reference', `${ref.repository}: neither a tag nor a digest`);
    const what = `${ref.repository}:${reference}`.replace(/:sha256:/, '@sha256:');
    return this.send(ref, 'pull', (base) => ({ method: 'GET', url: manifestUrl(base, ref.repository, reference), headers: { accept: MANIFEST_ACCEPT } }), `manifest ${what}`, async (res) => {
      if (res.status !== 200) throw await registryError('GET', res, `manifest ${what}`);
      const bytes = await readBounded(res, LIMITS.manifestBytes, `manifest ${what}`);
      const digest = ociDigest(bytes);
      const wanted = ref.digest ?? expect?.digest;
      if (wanted && wanted !== digest) {
        throw new VerificationError('digest-mismatch', `manifest ${what}: expected ${wanted} but the registry served bytes that hash to ${digest} (${redactUrl(res.url)})`);
      }
      const claimed = header(res, 'docker-content-digest');
      if (claimed && isSha256Digest(claimed) && claimed !== digest) {
        throw new VerificationError('digest-mismatch', `manifest ${what}: the registry claims ${claimed} (Docker-Content-Digest) but the bytes received hash to ${digest}`);
      }
      if (expect && expect.size !== bytes.length) {
        throw new VerificationError('size-mismatch', `manifest ${what}: expected ${expect.size} bytes, received ${bytes.length}`);
      }
      const contentType = header(res, 'content-type')?.split(';')[0]?.trim();
      return { digest, size: bytes.length, mediaType: mediaTypeOf(bytes, contentType), bytes };
    });
  }

  /** `HEAD` a manifest: what the registry claims, without bytes; undefined when absent. */
  async headManifest(ref: Repository & { reference: string }): Promise<ManifestClaim | undefined> {
    const what = `manifest ${ref.repository}:${ref.reference}`;
    return this.send(ref, 'pull', (base) => ({ method: 'HEAD', url: manifestUrl(base, ref.repository, ref.reference), headers: { accept: MANIFEST_ACCEPT } }), what, async (res) => {
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw await registryError('HEAD', res, what);
      const claim: ManifestClaim = {};
      const digest = header(res, 'docker-content-digest');
      const length = Number(header(res, 'content-length'));
      const type = header(res, 'content-type')?.split(';')[0]?.trim();
      if (digest) claim.digest = digest;
      if (Number.isSafeInteger(length)) claim.size = length;
      if (type) claim.mediaType = type;
      return claim;
    });
  }

  /** Every tag of a repository, following `Link: <…>; rel="next"` for at most LIMITS.maxTagPages pages. */
  async listTags(repo: Repository, pageSize = 1000): Promise<string[]> {
    const tags: string[] = [];
    let next: string | undefined = `/v2/${repo.repository}/tags/list?n=${pageSize}`;
    const what = `the tags of ${repo.repository}`;
    for (let page = 0; next !== undefined; page++) {
      if (page >= LIMITS.maxTagPages) {
        throw new InconclusiveError('too-many-pages', `${what}: more than ${LIMITS.maxTagPages} pages of tags; refusing to follow more`);
      }
      const path: string = next;
      next = await this.send(repo, 'pull', (base) => ({ method: 'GET', url: new URL(path, base) }), what, async (res) => {
        if (res.status !== 200) throw await registryError('GET', res, what);
        const doc = parseJson(await readBounded(res, LIMITS.tagsPageBytes, 'tags list page'), `${what} (${redactUrl(res.url)})`);
        const list = isRecord(doc) && Array.isArray(doc['tags']) ? doc['tags'] : [];
        for (const tag of list) if (typeof tag === 'string') tags.push(tag);
        return nextPage(header(res, 'link'), res.url);
      });
    }
    return tags;
  }

  /**
   * Stream a blob into `sink`, hashing and counting as it arrives; refuses a
   * byte more than `descriptor.size`. Throws VerificationError on any mismatch
   * (the sink must then discard what it got). `sink` is synchronous: the body
   * is read in flowing mode, never paused (see flowing-body.ts). Each chunk is
   * the buffer undici read from the socket, never reused: the sink may keep it.
   */
  async fetchBlob(repo: Repository, descriptor: Pick<Descriptor, 'digest' | 'size'>, sink: (chunk: Buffer) => void): Promise<void> {
    const { digest, size } = descriptor;
    if (!isSha256Digest(digest)) throw new VerificationError('bad-digest', `unsupported blob digest ${digest}`);
    if (size > LIMITS.blobBytes) throw new VerificationError('too-large', `blob ${digest} is ${size} bytes, more than the ${LIMITS.blobBytes}-byte limit`);
    const what = `blob ${digest} of ${repo.repository}`;
    await this.send(repo, 'pull', (base) => ({ method: 'GET', url: new URL(`/v2/${repo.repository}/blobs/${digest}`, base) }), what, async (res) => {
      if (res.status !== 200) throw await registryError('GET', res, what);
      const declared = header(res, 'content-length');
      if (declared !== undefined && Number(declared) !== size) {
        throw new VerificationError('size-mismatch', `${what}: expected ${size} bytes, the registry declares ${declared}`);
      }
      const hash = createHash('sha256');
      let received = 0;
      await drainFlowing(res.body, (chunk) => {
        received += chunk.length;
        if (received > size) throw new VerificationError('size-mismatch', `${what}: the registry sent more than the expected ${size} bytes`);
        hash.update(chunk);
        sink(chunk);
      });
      const found = `sha256:${hash.digest('hex')}`;
      if (received !== size) throw new VerificationError('size-mismatch', `${what}: expected ${size} bytes, received ${received}`);
      if (found !== digest) throw new VerificationError('digest-mismatch', `${what}: expected ${digest} but the bytes received hash to ${found}`);
    }, { expectedBytes: size });
  }

  /** Does the repository hold this blob? */
  async hasBlob(repo: Repository, digest: string): Promise<boolean> {
    const what = `blob ${digest} of ${repo.repository}`;
    return this.send(repo, 'pull,push', (base) => ({ method: 'HEAD', url: new URL(`/v2/${repo.repository}/blobs/${digest}`, base) }), what, async (res) => {
      if (res.status === 404) return false;
      if (res.status !== 200) throw await registryError('HEAD', res, what);
      return true;
    });
  }

  /** Upload a blob in one request (POST then PUT ?digest=), unless present. Returns its digest. */
  async pushBlob(repo: Repository, bytes: Uint8Array): Promise<string> {
    const digest = ociDigest(bytes);
    if (await this.hasBlob(repo, digest)) return digest;
    const what = `upload of blob ${digest} to ${repo.repository}`;
    const location = await this.send(repo, 'pull,push', (base) => ({ method: 'POST', url: new URL(`/v2/${repo.repository}/blobs/uploads/`, base), body: new Uint8Array(0) }), what, async (res) => {
      if (res.status !== 202) throw await registryError('POST', res, what);
      const loc = header(res, 'location');
      if (!loc) throw new InconclusiveError('registry-protocol', `${what}: the registry gave no upload Location`);
      return new URL(loc, res.url);
    });
    location.searchParams.set('digest', digest);
    await this.send(repo, 'pull,push', () => ({ method: 'PUT', url: location, headers: { 'content-type': 'application/octet-stream' }, body: bytes }), what, async (res) => {
      if (res.status !== 201) throw await registryError('PUT', res, what);
    }, { expectedBytes: bytes.length });
    return digest;
  }

  /** Upload manifest bytes under a tag or digest; returns their digest, checked against the registry's claim. */
  async pushManifest(repo: Repository, reference: string, bytes: Uint8Array, mediaType: string): Promise<string> {
    const digest = ociDigest(bytes);
    const what = `manifest ${repo.repository}:${reference}`;
    await this.send(repo, 'pull,push', (base) => ({ method: 'PUT', url: manifestUrl(base, repo.repository, reference), headers: { 'content-type': mediaType }, body: bytes }), what, async (res) => {
      if (res.status !== 201 && res.status !== 200) throw await registryError('PUT', res, what);
      const claimed = header(res, 'docker-content-digest');
      if (claimed && claimed !== digest) throw new VerificationError('digest-mismatch', `${what}: pushed ${digest} but the registry stored ${claimed}`);
    });
    return digest;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

function foreignChallenge(registry: string, url: URL, what: string): InconclusiveError {
  return new InconclusiveError(
    'foreign-auth-challenge',
    `${what}: the registry ${registry} redirected to ${url.host}, which asks for credentials (${redactUrl(url)}); signet sends ${registry}'s credentials only to ${registry} and the token service it names, so this download cannot be made`,
  );
}

function manifestUrl(base: URL, repository: string, reference: string): URL {
  return new URL(`/v2/${repository}/manifests/${reference}`, base);
}

function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (cause) {
    throw new InconclusiveError('registry-protocol', `${what}: the registry answered with something that is not JSON`, { cause });
  }
}

/** The `rel="next"` target of a Link header, same origin only (RFC 8288). */
export function nextPage(link: string | undefined, current: URL): string | undefined {
  if (!link) return undefined;
  const match = /<([^>]*)>\s*;[^,]*rel="?next"?/i.exec(link);
  if (!match?.[1]) return undefined;
  const url = new URL(match[1], current);
  if (url.origin !== current.origin) {
    throw new InconclusiveError('cross-origin-page', `the tags list of ${redactUrl(current)} points its next page at another origin (${url.origin}); refused`);
  }
  return `${url.pathname}${url.search}`;
}
