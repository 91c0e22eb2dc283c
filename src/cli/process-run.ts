// Runs the CLI against the real process (stdio, env, cwd, prompts on a TTY).
// Shared by the `signet` executable (bin.ts) and the single executable (sea-main.ts).

import { runCli } from './run-cli.js';
import { promptSecretOnTTY } from './tty-prompt.js';

/** Run `argv` as the `signet` command; resolves to its exit code. */
export async function runOnProcess(argv: string[]): Promise<number> {
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
