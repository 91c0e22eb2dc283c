#!/usr/bin/env node
// The `signet` executable: runs the CLI against the real process.

import { runCli } from './run-cli.js';
import { promptSecretOnTTY } from './tty-prompt.js';

// A reader that stops early (`signet --help | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const result = await runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdin: process.stdin,
  stdinIsTTY: Boolean(process.stdin.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  onStdout: (text) => process.stdout.write(text),
  onStderr: (text) => process.stderr.write(text),
  promptSecret: promptSecretOnTTY,
});
process.exitCode = result.code;
