// Loads the CLI bundle (one CommonJS file) with V8's code cache, the start-up
// help Node 20 offers (module.enableCompileCache arrived in Node 22, and ESM
// has no code cache API). The cache is made at build time (scripts/build.mjs,
// after running the demo in-process), so a warm `signet verify` skips most
// parsing and compiling. V8 checks that the cache belongs to this exact V8
// version and flags, and the file starts with the sha256 of the bundle it was
// made from; when either does not match (another Node, NODE_OPTIONS flags, an
// edited bundle, a missing or damaged file) the bundle is compiled as usual.
// The cache lives beside the code it was made from, is never written at run
// time, and is not in the npm package (an opaque blob that runs in place of
// reviewed JS does not belong in a release): it is made where signet is built.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Script } from 'node:vm';
import { dirname } from 'node:path';

export interface LoadedBundle<T> {
  exports: T;
  /** The compiled script, for createCachedData() at build time. */
  script: Script;
  /** true when a cache file was found and V8 accepted it. */
  cacheUsed: boolean;
}

function readOptional(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/**
 * A cache file: the sha256 of the bundle it was made from, then V8's data.
 * V8 itself checks only the source's length, so without the digest a cache
 * would run in place of any same-length bundle (an edit, another build).
 */
export function codeCacheFile(bundle: Uint8Array, v8Data: Uint8Array): Buffer {
  return Buffer.concat([createHash('sha256').update(bundle).digest(), v8Data]);
}

/** V8's data from `cache` when it was made from exactly `bundle`, else undefined. */
function cacheFor(bundle: Buffer, cache: Buffer | undefined): Buffer | undefined {
  if (cache === undefined || cache.length <= 32) return undefined;
  return createHash('sha256').update(bundle).digest().equals(cache.subarray(0, 32)) ? cache.subarray(32) : undefined;
}

/** Compile and run the CommonJS bundle `file`, with `cacheFile` as V8 code cache when it was made from this very file. */
export function loadBundle<T>(file: string, cacheFile: string): LoadedBundle<T> {
  const bytes = readFileSync(file);
  // esbuild writes ASCII only (non-ASCII is escaped), so latin1 is exact and skips UTF-8 decoding.
  const source = bytes.toString('latin1');
  const cachedData = cacheFor(bytes, readOptional(cacheFile));
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapped, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as T };
  const fn = script.runInThisContext() as (e: T, r: NodeJS.Require, m: { exports: T }, f: string, d: string) => void;
  fn.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}
