// The CLI proper as one CommonJS bundle (signet-cli.cjs), which the `signet`
// launcher (dist/signet.mjs, src/cli/bin.ts) loads from its own directory
// with V8's code cache (src/cli/code-cache.ts; Node 20 has no code cache for
// ESM). Used by scripts/build.mjs and by tests that bundle the CLI themselves.
// Network code (undici) stays lazy: esbuild turns import() into a deferred init.
// Whitespace is minified (less to read at start-up); names are kept for stack traces.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Write the CLI bundle to `outfile` (it must sit beside the launcher, named signet-cli.cjs). */
export async function buildCliBundle(outfile) {
  await build({
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    // The optional PKCS#11 binding is a native addon, loaded from node_modules
    // only when a token key is used (src/keys/pkcs11/pkcs11-module.ts).
    external: ['pkcs11js'],
    entryPoints: [join(ROOT, 'src', 'cli', 'cli-bundle.ts')],
    outfile,
    minifyWhitespace: true,
  });
}
