// Runs the CLI against the real process (stdio, env, cwd, prompts on a TTY).
// Shared by the `signet` executable (bin.ts) and the single executable (sea-main.ts).

import { setFlagsFromString } from 'node:v8';
import { runCli } from './run-cli.js';
import { promptSecretOnTTY } from './tty-prompt.js';

/** Run `argv` as the `signet` command; resolves to its exit code. */
export async function runOnProcess(argv: string[]): Promise<number> {
  // undici parses HTTP with WebAssembly; V8 also compiles it with its optimising
  // tier in the background and makes the exiting process wait for that, ~100 ms
  // after the result is printed. One command's few responses parse as fast with
  // the baseline compiler; the long-running admission server keeps both tiers.
  // (Set here, after bin.ts loaded the bundle, so the code cache's flag check matched.)
  if (!argv.includes('admission')) setFlagsFromString('--liftoff-only');
  const result = await runCli(argv, {
    env: process.env,
    cwd: process.cwd(),
    stdin: process.stdin,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stderrColumns: process.stderr.columns,
    onStdout: (text) => process.stdout.write(text),
    onStderr: (text) => process.stderr.write(text),
    keepOutput: false, // streamed above; a long-running server must not also keep every line
    promptSecret: promptSecretOnTTY,
  });
  return result.code;
}
