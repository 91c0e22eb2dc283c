// The README's quick start, executed as written (in-process, in a temp dir
// holding ./images/app): documentation that cannot silently go stale.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

let s: SignetEnv;
beforeEach(async () => {
  s = await makeSignetEnv(); // holds the sample layout at ./images/app
});
afterEach(async () => {
  await s.cleanup();
});

/** `signet …` lines of the first sh block under "## Quick start", with their arguments split. */
async function quickStart(): Promise<string[][]> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.startsWith('signet '))
    .map((line) => [...line.slice('signet '.length).matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!));
}

describe('README quick start', () => {
  it('runs as written and ends with a verified digest', async () => {
    const commands = await quickStart();
    expect(commands.map((c) => c[0])).toEqual(['init', 'sign', 'verify', 'list']);
    let last = '';
    for (const args of commands) {
      const result = await s.cli(args);
      expect(result.code, `signet ${args.join(' ')}\n${result.stderr}`).toBe(0);
      if (args[0] === 'verify') last = result.stdout;
    }
    expect(last).toMatch(/^app@sha256:[0-9a-f]{64}$/m);
  });
});
