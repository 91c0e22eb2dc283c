// Bundles the library (dist/index.mjs), the `signet` launcher (dist/signet.mjs)
// and the CLI it loads (dist/signet-cli.cjs, with its V8 code cache) with esbuild.
// `--types` also writes the library's type declarations to dist/types (tsc,
// tsconfig.types.json); `npm pack` runs it (prepack).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { chmodSync, rmSync } from 'node:fs';
import { patchTufjsModels } from './patch-tufjs-models.mjs';
import { buildCliBundle } from './build-cli-bundle.mjs';
import { makeCodeCache } from './make-code-cache.mjs';

// The bundle must carry the linear @tufjs/models (this is where it gets patched:
// covers `npm ci --ignore-scripts` and refuses an unknown version).
patchTufjsModels({ root: '.' });

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  splitting: true,
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  logLevel: 'warning',
  // CJS dependencies (tuf-js, commander) call require(); give ESM output one.
  banner: {
    js: "import { createRequire as __signetCreateRequire } from 'node:module'; const require = __signetCreateRequire(import.meta.url);",
  },
  chunkNames: 'chunks/[name]-[hash]',
  // The optional PKCS#11 binding is a native addon, loaded from node_modules
  // only when a token key is used (src/keys/pkcs11/pkcs11-module.ts).
  external: ['pkcs11js'],
};

// Chunk names change with content: start clean so stale chunks do not pile up.
rmSync('dist', { recursive: true, force: true });

await build({
  ...common,
  entryPoints: { signet: 'src/cli/bin.ts', index: 'src/index.ts', 'code-cache': 'src/cli/code-cache.ts' },
});
chmodSync('dist/signet.mjs', 0o755);

await buildCliBundle('dist/signet-cli.cjs');
makeCodeCache('dist/signet-cli.cjs');

if (process.argv.includes('--types')) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.types.json'], { stdio: 'inherit' });
}
