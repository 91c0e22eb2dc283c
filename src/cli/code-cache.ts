// Loads the CLI bundle (one CommonJS file) with V8's code cache, the start-up
// help Node 20 offers (module.enableCompileCache arrived in Node 22, and ESM
// has no code cache API). The cache is made at build time (scripts/build.mjs,
// after running the demo in-process), so a warm `signet verify` skips most
// parsing and compiling. V8 checks that the cache belongs to this exact V8
// version, flags and source; when it does not (another Node, NODE_OPTIONS
// flags, a missing or damaged file) the bundle is compiled as usual. The
// cache lives beside the code it was made from and is never written at run time.

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

/** Compile and run the CommonJS bundle `file`, with `cacheFile` as V8 code cache when usable. */
export function loadBundle<T>(file: string, cacheFile: string): LoadedBundle<T> {
  // esbuild writes ASCII only (non-ASCII is escaped), so latin1 is exact and skips UTF-8 decoding.
  const source = readFileSync(file, 'latin1');
  const cachedData = readOptional(cacheFile);
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapped, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as T };
  const fn = script.runInThisContext() as (e: T, r: NodeJS.Require, m: { exports: T }, f: string, d: string) => void;
  fn.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}
