// The entry point of the single executable (scripts/build-sea.mjs): the same
// CLI as bin.ts, bundled as one CommonJS file because Node's single-executable
// applications run a CommonJS main script (no top-level await, no file imports).

import { VERSION } from '../version.js';
import { runOnProcess } from './process-run.js';

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
  process.exitCode = await runOnProcess(argv);
}

void main();
