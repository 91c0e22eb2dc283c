// The entry point of the single executable (scripts/build-sea.mjs): the same
// CLI as bin.ts, bundled as one CommonJS file because Node's single-executable
// applications run a CommonJS main script (no top-level await, no file imports).

import { VERSION } from '../version.js';
import { runCli } from './run-cli.js';
import { promptSecretOnTTY } from './tty-prompt.js';

async function main(): Promise<void> {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  // process.argv is [executable, executable, ...args] in a single executable.
  const argv = process.argv.slice(2);
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
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

void main();
