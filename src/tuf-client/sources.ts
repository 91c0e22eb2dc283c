// Where `signet tuf` reads a repository from: `--metadata-url` and
// `--target-base-url` are an http(s):// URL, a file: URL, or a directory path.
// Metadata comes through a MetadataStore, targets through a TargetSource.

import { constants, promises as fs } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MetadataStore } from '../store/metadata-store.js';
import { DirectoryStore } from '../store/directory-store.js';
import type { HttpStoreOptions } from '../store/http-store.js';
import { displayUrl } from '../store/http-get.js';
import type { TargetSource } from '../verify/target-source.js';
import { InconclusiveError, UsageError, VerificationError } from '../errors.js';

export interface SourceOptions {
  cwd: string;
  /** Allow plain http:// to hosts that are not loopback. */
  allowInsecureHttp?: boolean;
}

type Location = { kind: 'http'; url: string } | { kind: 'dir'; dir: string };

function parseLocation(text: string, cwd: string, what: string): Location {
  if (/^https?:\/\//i.test(text)) return { kind: 'http', url: text };
  if (/^file:/i.test(text)) {
    try {
      return { kind: 'dir', dir: fileURLToPath(text) };
    } catch (error) {
      throw new UsageError('bad-url', `${what} ${text} is not a valid file: URL`, { cause: error });
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new UsageError('bad-url', `${what} ${text}: use an http(s):// URL, a file: URL or a directory path`);
  }
  return { kind: 'dir', dir: resolve(cwd, text) };
}

function httpOptions(options: SourceOptions, flag: string): HttpStoreOptions {
  const out: HttpStoreOptions = options.allowInsecureHttp ? { allowInsecureHttp: true } : {};
  // A target may be large: no whole-download deadline, only a limit on silence.
  if (flag === '--target-base-url') out.timeoutMs = 0;
  return out;
}

async function openHttpStore(url: string, options: SourceOptions, flag: string) {
  const { HttpStore } = await import('../store/http-store.js');
  try {
    return new HttpStore(url, httpOptions(options, flag));
  } catch (error) {
    if (error instanceof UsageError && error.code === 'insecure-http') {
      throw new UsageError('insecure-http', `${flag} ${displayUrl(new URL(url))}: refusing plain http to a host that is not loopback; use https://, or pass --allow-insecure-http (everything is still verified)`, { cause: error });
    }
    throw error;
  }
}

/** The repository's metadata, read-only. */
export async function openMetadataSource(text: string, options: SourceOptions): Promise<MetadataStore> {
  const location = parseLocation(text, options.cwd, '--metadata-url');
  if (location.kind === 'dir') return new DirectoryStore(location.dir);
  return openHttpStore(location.url, options, '--metadata-url');
}

/** The repository's target files. */
export async function openTargetSource(text: string, options: SourceOptions): Promise<TargetSource> {
  const location = parseLocation(text, options.cwd, '--target-base-url');
  if (location.kind === 'dir') return new DirectoryTargetSource(location.dir);
  const store = await openHttpStore(location.url, options, '--target-base-url');
  return {
    location: store.location,
    fetch: async (path, maxBytes, onChunk) => (await store.getPath(path, maxBytes, onChunk)) !== undefined,
  };
}

/** Target files below a directory; paths never leave it. */
export class DirectoryTargetSource implements TargetSource {
  readonly location: string;
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
    this.location = this.dir;
  }

  async fetch(path: string, maxBytes: number, onChunk: (chunk: Uint8Array) => void): Promise<boolean> {
    const file = this.fileOf(path);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(file, constants.O_RDONLY);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new InconclusiveError('target-unreadable', `could not read ${file}`, { cause: error });
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new UsageError('not-a-file', `${file} is not a regular file`);
      if (stat.size > maxBytes) throw new VerificationError('too-large', `${file} is ${stat.size} bytes, more than the ${maxBytes} bytes its signed entry allows`);
      const buffer = Buffer.alloc(64 * 1024);
      let total = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        total += bytesRead;
        // The file may grow while we read it: the limit is on what we read.
        if (total > maxBytes) throw new VerificationError('too-large', `${file} is larger than the ${maxBytes} bytes its signed entry allows`);
        onChunk(buffer.subarray(0, bytesRead));
      }
      return true;
    } finally {
      await handle.close();
    }
  }

  private fileOf(path: string): string {
    const segments = path.split('/').map(safeDecode);
    if (segments.some((s) => s === '' || s === '.' || s === '..' || s.includes(sep) || s.includes('\0'))) {
      throw new VerificationError('bad-target-path', `refusing target path ${JSON.stringify(path)}: it would leave ${this.location}`);
    }
    return join(this.dir, ...segments);
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
