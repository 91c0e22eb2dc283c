// Bundle a TypeScript entry point (a test helper process) into one .mjs file
// with esbuild, so child processes run the source under test without a build.

import { build } from 'esbuild';
import { join } from 'node:path';
import { buildCliBundle } from '../../scripts/build-cli-bundle.mjs';

export async function bundleScript(entry: string, outDir: string): Promise<string> {
  const outfile = join(outDir, `${entry.replace(/^.*\//, '').replace(/\.ts$/, '')}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return outfile;
}

/**
 * Build the CLI as scripts/build.mjs does (launcher + CommonJS bundle, no
 * code cache), but into `outDir`, so a test runs
 * the current sources without racing other tests that use dist/.
 */
export async function bundleCli(outDir: string): Promise<string> {
  await build({
    entryPoints: { signet: 'src/cli/bin.ts' },
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  await buildCliBundle(join(outDir, 'signet-cli.cjs'));
  return join(outDir, 'signet.mjs');
}
