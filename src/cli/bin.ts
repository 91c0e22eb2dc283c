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
  const { runCli } = await import('./run-cli.js');
  const { promptSecretOnTTY } = await import('./tty-prompt.js');
  const result = await runCli(argv, {
    env: process.env,
    cwd: process.cwd(),
    stdin: process.stdin,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stderrColumns: process.stderr.columns,
    onStdout: (text) => process.stdout.write(text),
    onStderr: (text) => process.stderr.write(text),
    promptSecret: promptSecretOnTTY,
  });
  process.exitCode = result.code;
}
