#!/usr/bin/env node
// The `signet` executable: runs the CLI against the real process.
// `signet --version` answers before the CLI (commander, every command) loads,
// so probes and scripts that call it pay only Node's own start-up. The CLI
// itself is one CommonJS bundle loaded with V8's code cache (code-cache.ts).

import { fileURLToPath } from 'node:url';
import { VERSION } from '../version.js';
import { loadBundle } from './code-cache.js';
import type * as CliBundle from './cli-bundle.js';

// A reader that stops early (`signet --help | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${VERSION}\n`);
} else {
  const bundle = fileURLToPath(new URL('./signet-cli.cjs', import.meta.url));
  const { runOnProcess } = loadBundle<typeof CliBundle>(bundle, `${bundle}.cache`).exports;
  process.exitCode = await runOnProcess(argv);
}
