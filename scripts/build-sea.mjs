#!/usr/bin/env node
// Builds the single executable for this platform (the linux-x64 release
// artifact): the CLI bundled into one CommonJS file, turned into a Node
// single-executable-application blob, and injected with postject into a copy
// of the running `node` binary. Output: dist/sea/signet (no Node needed to run it).
//
// Usage: npm run build:sea   (or node scripts/build-sea.mjs [--out DIR])
// https://nodejs.org/api/single-executable-applications.html
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { patchTufjsModels } from './patch-tufjs-models.mjs';
import { buildCliBundle } from './build-cli-bundle.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const outAt = process.argv.indexOf('--out');
const OUT = outAt > 0 && process.argv[outAt + 1] ? resolve(process.argv[outAt + 1]) : join(ROOT, 'dist', 'sea');
// The fuse Node looks for in the binary (documented in the SEA guide).
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

patchTufjsModels({ root: ROOT });
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

// The CLI bundle with the single executable's entry (a SEA main script may
// require() only built-in modules: everything else is bundled).
await buildCliBundle(join(OUT, 'signet.cjs'), 'sea-main.ts');

const config = join(OUT, 'sea-config.json');
writeFileSync(config, JSON.stringify({ main: join(OUT, 'signet.cjs'), output: join(OUT, 'signet.blob'), disableExperimentalSEAWarning: true, useCodeCache: true }, null, 2));
execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });

const exe = join(OUT, 'signet');
copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
const postject = createRequire(import.meta.url).resolve('postject/dist/cli.js');
// postject warns about ELF note sections it does not name; harmless (the SEA guide shows the same), so shown only on failure.
const injected = spawnSync(process.execPath, [postject, exe, 'NODE_SEA_BLOB', join(OUT, 'signet.blob'), '--sentinel-fuse', FUSE], { encoding: 'utf8' });
if (injected.status !== 0) throw new Error(`postject failed (${injected.status}): ${injected.stderr}${injected.stdout}`);
rmSync(join(OUT, 'signet.blob'));
rmSync(config);
process.stderr.write(`built ${exe} (Node ${process.version}, ${process.platform}-${process.arch})\n`);
