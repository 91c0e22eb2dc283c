#!/usr/bin/env node
// The `signet` executable: runs the CLI against the real process.
// `signet --version` answers before the CLI (commander, every command) loads,
// so probes and scripts that call it pay only Node's own start-up.

import { VERSION } from '../version.js';

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
  const { runOnProcess } = await import('./process-run.js');
  process.exitCode = await runOnProcess(argv);
}
