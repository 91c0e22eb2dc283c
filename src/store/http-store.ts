// A read-only MetadataStore over an HTTP(S) base URL: any static web server,
// S3 bucket or CDN serving a trust repository's files. Reads are bounded;
// publishing needs a writable store (a directory, or the registry).

import type { MetadataStore, PublishLock } from './metadata-store.js';
import { isSafeStoreName } from './metadata-store.js';
import { displayUrl, httpGet, isLoopbackHost } from './http-get.js';
import { UsageError } from '../errors.js';

export interface HttpStoreOptions {
  /** Allow plain http:// to a host that is not loopback (default: refused). */
  allowInsecureHttp?: boolean;
  /** Whole-request deadline per file (default 60 s; 0: none). */
  timeoutMs?: number;
  /** Longest wait for headers or the next body chunk (default 30 s). */
  idleTimeoutMs?: number;
}

export class HttpStore implements MetadataStore {
  readonly location: string;
  readonly baseUrl: URL;
  private readonly timeoutMs: number | undefined;
  private readonly idleTimeoutMs: number | undefined;
  private readonly allowInsecureHttp: boolean;

  /** Throws a UsageError for a non-http(s) URL, or plain http to a remote host without `allowInsecureHttp`. */
  constructor(baseUrl: string | URL, options: HttpStoreOptions = {}) {
    this.baseUrl = withTrailingSlash(parseHttpUrl(baseUrl, options));
    this.location = displayUrl(this.baseUrl);
    this.timeoutMs = options.timeoutMs;
    this.idleTimeoutMs = options.idleTimeoutMs;
    this.allowInsecureHttp = options.allowInsecureHttp === true;
  }

  /** 404/410 → undefined; network errors, timeouts and 5xx → InconclusiveError; over `maxBytes` → VerificationError. */
  async get(name: string, maxBytes: number): Promise<Uint8Array | undefined> {
    if (!isSafeStoreName(name)) throw new UsageError('bad-store-name', `refusing unsafe metadata name ${JSON.stringify(name)}`);
    // One path segment, literally: a static server maps `%25` back to the `%` in the file name.
    return this.getPath(encodeURIComponent(name), maxBytes);
  }

  /**
   * GET a path below the base URL. `relativePath` is already URL-encoded
   * (segments separated by `/`); it can never leave the base URL.
   */
  async getPath(relativePath: string, maxBytes: number, onChunk?: (chunk: Uint8Array) => void): Promise<Uint8Array | undefined> {
    const url = new URL(relativePath.replace(/^\/+/, ''), this.baseUrl);
    if (url.origin !== this.baseUrl.origin || !url.pathname.startsWith(this.baseUrl.pathname)) {
      throw new UsageError('bad-store-name', `${JSON.stringify(relativePath)} is outside ${this.location}`);
    }
    const options: Parameters<typeof httpGet>[1] = { maxBytes, allowInsecureHttp: this.allowInsecureHttp };
    if (this.timeoutMs !== undefined) options.timeoutMs = this.timeoutMs;
    if (this.idleTimeoutMs !== undefined) options.idleTimeoutMs = this.idleTimeoutMs;
    if (onChunk) options.onChunk = onChunk;
    return httpGet(url, options);
  }

  async put(name: string, _bytes: Uint8Array): Promise<void> {
    throw readOnly(this.location, `publish ${name}`);
  }

  async list(): Promise<string[]> {
    throw readOnly(this.location, 'list files');
  }

  async withLock<T>(_work: (lock: PublishLock) => Promise<T>): Promise<T> {
    throw readOnly(this.location, 'take the publish lock');
  }
}

function readOnly(location: string, what: string): UsageError {
  return new UsageError('store-read-only', `cannot ${what} in ${location}: HTTP stores are read-only; publish to a directory (served by the web server) instead`);
}

function parseHttpUrl(text: string | URL, options: HttpStoreOptions): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new UsageError('bad-url', `${String(text)} is not a URL`, { cause: error });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError('bad-url', `${displayUrl(url)} is not an http(s) URL`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !options.allowInsecureHttp) {
    throw new UsageError('insecure-http', `refusing plain http to ${url.host}: use https://, or allow insecure http explicitly`);
  }
  if (url.search || url.hash) throw new UsageError('bad-url', `${displayUrl(url)}: a store URL takes no query or fragment`);
  return url;
}

function withTrailingSlash(url: URL): URL {
  if (url.pathname.endsWith('/')) return url;
  const copy = new URL(url.href);
  copy.pathname += '/';
  return copy;
}
