// A tuf-js Fetcher over a MetadataStore: tuf-js asks for URLs under a fixed
// base; we map each to a store name, bounded by the length tuf-js allows.
// Transport failures are recorded so they can be told apart from invalid
// metadata after tuf-js wraps them.

import type { Fetcher } from 'tuf-js';
import { DownloadHTTPError } from 'tuf-js/dist/error.js';
import type { MetadataStore } from '../store/metadata-store.js';
import { SignetError } from '../errors.js';

export const STORE_BASE_URL = 'signet-store://metadata/';

export class StoreFetcher implements Fetcher {
  readonly store: MetadataStore;
  /** Bytes received, for `--json` reports and the benchmark. */
  bytesDownloaded = 0;
  /** Names fetched, in order, with their bytes (for error messages). */
  readonly fetched = new Map<string, Uint8Array>();
  /** Errors the store raised (network, registry), newest last. */
  readonly failures: SignetError[] = [];
  /** Names that were asked for but absent (root version probes excluded). */
  readonly missing: string[] = [];

  constructor(store: MetadataStore) {
    this.store = store;
  }

  async downloadBytes(url: string, maxLength: number): Promise<Buffer> {
    const name = this.nameOf(url);
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.store.get(name, maxLength);
    } catch (error) {
      if (error instanceof SignetError) this.failures.push(error);
      throw error;
    }
    if (bytes === undefined) {
      // Probing for the next root version ends with a miss by design (TUF 5.3.3).
      if (!/^\d+\.root\.json$/.test(name)) this.missing.push(name);
      throw new DownloadHTTPError(`${name} not found in ${this.store.location}`, 404);
    }
    this.bytesDownloaded += bytes.length;
    this.fetched.set(name, bytes);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async downloadFile<T>(url: string, maxLength: number, handler: (file: string) => Promise<T>): Promise<T> {
    void url;
    void maxLength;
    void handler;
    throw new Error('StoreFetcher serves metadata only; targets are fetched from the registry');
  }

  private nameOf(url: string): string {
    if (!url.startsWith(STORE_BASE_URL)) throw new Error(`unexpected metadata URL ${url}`);
    return url.slice(STORE_BASE_URL.length);
  }
}
