// A tuf-js Fetcher over a MetadataStore: tuf-js asks for URLs under a fixed
// base; we map each to a store name, bounded by the length tuf-js allows.
// Transport failures are recorded so they can be told apart from invalid
// metadata after tuf-js wraps them. With a TargetSource it also serves target
// files (tuf-js downloadTarget), streamed to a private temp file.
//
// Concurrency contract: one fetcher may serve operations that run at once
// (the lookups of a verify session, an admission server's requests). Each
// operation takes its own view with `forOperation()`: the views share the
// byte counters and the fetched bytes, but each keeps its own failures and
// misses, so an error is classified by what its own operation ran into.

import { closeSync, openSync, promises as fs, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fetcher } from 'tuf-js';
import { DownloadHTTPError } from 'tuf-js/dist/error.js';
import type { MetadataStore } from '../store/metadata-store.js';
import type { TargetSource } from './target-source.js';
import { SignetError } from '../errors.js';
import { requireSafeIntegers } from '../metadata/safe-integers.js';

export const STORE_BASE_URL = 'signet-store://metadata/';
export const TARGETS_BASE_URL = 'signet-targets://targets/';

/** What all views of one fetcher share. */
interface FetchTally {
  bytes: number;
  targetBytes: number;
  /** Names fetched, in order, with their bytes (for error messages). */
  readonly fetched: Map<string, Uint8Array>;
}

export class StoreFetcher implements Fetcher {
  readonly store: MetadataStore;
  /** Errors the store raised (network, registry) in this view's operation, newest last. */
  readonly failures: SignetError[] = [];
  /** Names this view's operation asked for that were absent (root version probes excluded). */
  readonly missing: string[] = [];
  readonly targets: TargetSource | undefined;
  private readonly tally: FetchTally;

  constructor(store: MetadataStore, targets?: TargetSource, tally?: FetchTally) {
    this.store = store;
    this.targets = targets;
    this.tally = tally ?? { bytes: 0, targetBytes: 0, fetched: new Map() };
  }

  /** Bytes received by every view, for `--json` reports and the benchmark. */
  get bytesDownloaded(): number {
    return this.tally.bytes;
  }
  /** Target bytes received by every view. */
  get targetBytesDownloaded(): number {
    return this.tally.targetBytes;
  }
  /** Names fetched by every view, in order, with their bytes. */
  get fetched(): Map<string, Uint8Array> {
    return this.tally.fetched;
  }

  /**
   * A view for one operation (one lookup): same store, counters and fetched
   * bytes; its own, empty failures and misses. Views are never reset, so
   * operations running at the same time cannot clear or read each other's.
   */
  forOperation(): StoreFetcher {
    return new StoreFetcher(this.store, this.targets, this.tally);
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
    this.tally.bytes += bytes.length;
    this.tally.fetched.set(name, bytes);
    try {
      // Before tuf-js parses it: JSON.parse would round a number beyond 2^53−1 silently.
      requireSafeIntegers(bytes, `${name} from ${this.store.location}`);
    } catch (error) {
      this.failures.push(error as SignetError);
      throw error;
    }
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Targets only: stream at most `maxLength` bytes to a temp file, hand it to tuf-js (which verifies it), remove it. */
  async downloadFile<T>(url: string, maxLength: number, handler: (file: string) => Promise<T>): Promise<T> {
    if (!this.targets || !url.startsWith(TARGETS_BASE_URL)) {
      throw new Error(`StoreFetcher serves target files only with a target source (asked for ${url})`);
    }
    const source = this.targets;
    const path = url.slice(TARGETS_BASE_URL.length);
    const dir = await fs.mkdtemp(join(tmpdir(), 'signet-target-'));
    try {
      const file = join(dir, 'target');
      // Written synchronously per chunk: an HTTP body must never wait on the disk (see http-get.ts).
      const fd = openSync(file, 'wx', 0o600);
      let found: boolean;
      try {
        found = await source.fetch(path, maxLength, (chunk) => {
          this.tally.targetBytes += chunk.length;
          writeAllSync(fd, chunk);
        });
      } catch (error) {
        if (error instanceof SignetError) this.failures.push(error);
        throw error;
      } finally {
        closeSync(fd);
      }
      if (!found) throw new DownloadHTTPError(`${decodeURIComponent(path)} not found in ${source.location}`, 404);
      return await handler(file);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  private nameOf(url: string): string {
    if (!url.startsWith(STORE_BASE_URL)) throw new Error(`unexpected metadata URL ${url}`);
    return url.slice(STORE_BASE_URL.length);
  }
}

function writeAllSync(fd: number, chunk: Uint8Array): void {
  for (let offset = 0; offset < chunk.length; ) offset += writeSync(fd, chunk, offset);
}
