#!/usr/bin/env node
// The `signet` executable: runs the CLI against the real process.

import { runCli } from './run-cli.js';
import { promptSecretOnTTY } from './tty-prompt.js';

const result = await runCli(process.argv.slice(2), {
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
