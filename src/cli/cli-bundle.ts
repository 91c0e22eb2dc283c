// The entry of dist/signet-cli.cjs, the CLI as one CommonJS bundle that bin.ts
// loads with V8's code cache (code-cache.ts). runCli is exported too so the
// build can run the demo in-process to make the cache.

export { runOnProcess } from './process-run.js';
export { runCli } from './run-cli.js';
