// The real process streams the CLI's output and keeps none of it: a server
// (`signet admission serve`) logs a line per decision for as long as it runs,
// and keeping every line grew its memory without bound (~1 KB per decision).

import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';

describe('runCli with keepOutput: false (how the signet process runs it)', () => {
  it('streams stdout and stderr to the callbacks and keeps neither in the result', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const streamed = await runCli(['--version'], { keepOutput: false, onStdout: (t) => out.push(t), onStderr: (t) => err.push(t) });
    expect(streamed.code).toBe(0);
    expect(out.join('')).toMatch(/\d+\.\d+\.\d+/);
    expect(streamed.stdout).toBe('');
    const failed = await runCli(['no-such-command'], { keepOutput: false, onStderr: (t) => err.push(t) });
    expect(failed.code).toBe(2);
    expect(err.join('')).toMatch(/unknown command/);
    expect(failed.stderr).toBe('');
  });

  it('keeps the output by default (in-process callers and tests read it from the result)', async () => {
    const kept = await runCli(['--version']);
    expect(kept.stdout).toMatch(/\d+\.\d+\.\d+/);
  });
});
