// The CLI as one CommonJS bundle. `signet-cli.cjs` (entry src/cli/cli-bundle.ts)
// is what the `signet` launcher (dist/signet.mjs, src/cli/bin.ts) loads from its
// own directory with V8's code cache (src/cli/code-cache.ts; Node 20 has no code
// cache for ESM); the single executable's main script (entry src/cli/sea-main.ts,
// scripts/build-sea.mjs) is the same build. Used by scripts/build.mjs and by
// tests that bundle the CLI themselves.
// Network code (undici) stays lazy: esbuild turns import() into a deferred init.
// Whitespace is minified (less to read at start-up); names are kept for stack traces.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Write the CLI bundle of `entry` (a file in src/cli) to `outfile`. */
export async function buildCliBundle(outfile, entry = 'cli-bundle.ts') {
  await build({
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    // The optional PKCS#11 binding is a native addon, loaded from node_modules
    // only when a token key is used (src/keys/pkcs11/pkcs11-module.ts); a single
    // executable cannot carry it (the CLI says so when a token key is used).
    external: ['pkcs11js'],
    // `debug` (under tuf-js) tries the optional supports-color package, which is
    // not installed (and would print a warning in a single executable): empty module.
    plugins: [{
      name: 'no-optional-supports-color',
      setup(b) {
        b.onResolve({ filter: /^supports-color$/ }, () => ({ path: 'supports-color', namespace: 'signet-empty' }));
        b.onLoad({ filter: /.*/, namespace: 'signet-empty' }, () => ({ contents: 'module.exports = undefined;', loader: 'js' }));
      },
    }],
    entryPoints: [join(ROOT, 'src', 'cli', entry)],
    outfile,
    minifyWhitespace: true,
  });
}
