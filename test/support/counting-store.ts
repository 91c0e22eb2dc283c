// A MetadataStore wrapper that records every get and put by name, so tests
// can say exactly which metadata files an operation read or wrote.

import type { MetadataStore, PublishLock } from '../../src/store/metadata-store.js';

export class CountingStore implements MetadataStore {
  readonly gets: string[] = [];
  readonly puts: string[] = [];
  constructor(private readonly inner: MetadataStore) {}

  get location(): string {
    return this.inner.location;
  }
  async get(name: string, maxBytes: number): Promise<Uint8Array | undefined> {
    this.gets.push(name);
    return this.inner.get(name, maxBytes);
  }
  async put(name: string, bytes: Uint8Array): Promise<void> {
    this.puts.push(name);
    return this.inner.put(name, bytes);
  }
  async putNew(name: string, bytes: Uint8Array): Promise<boolean> {
    this.puts.push(name);
    if (this.inner.putNew) return this.inner.putNew(name, bytes);
    await this.inner.put(name, bytes);
    return true;
  }
  list(): Promise<string[]> {
    return this.inner.list();
  }
  withLock<T>(work: (lock: PublishLock) => Promise<T>): Promise<T> {
    return this.inner.withLock(work);
  }
  reset(): void {
    this.gets.length = 0;
    this.puts.length = 0;
  }
}

/** File names in `names` that are bins (`N.bins-xx.json` or `bins-xx.json`). */
export function binFiles(names: readonly string[]): string[] {
  return names.filter((n) => /(^|\.)bins-[0-9a-f]+\.json$/.test(n));
}
