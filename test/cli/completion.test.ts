// `signet completion`: scripts generated from the command tree. The bash
// script is loaded into a real bash and asked what it completes.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

const run = promisify(execFile);
let s: SignetEnv;
let script: string;
beforeAll(async () => {
  s = await makeSignetEnv();
  const bash = await s.cli(['completion', 'bash']);
  expect(bash.code, bash.stderr).toBe(0);
  script = join(s.dir, 'signet.bash');
  await writeFile(script, bash.stdout);
});
afterAll(async () => s.cleanup());

/** What bash completes for the words typed after `signet` (the last one being completed). */
async function complete(...words: string[]): Promise<string[]> {
  const line = ['signet', ...words].map((w) => `'${w}'`).join(' ');
  const program = `source '${script}'; COMP_WORDS=(${line}); COMP_CWORD=${words.length}; _signet; printf '%s\\n' "\${COMPREPLY[@]}"`;
  try {
    const { stdout } = await run('bash', ['-c', program]);
    return stdout.split('\n').filter((l) => l !== '');
  } catch (error) {
    throw new Error('bash is needed for this test (apt-get install bash)', { cause: error });
  }
}

describe('signet completion bash', () => {
  it('completes `signet ver` to verify', async () => {
    expect(await complete('ver')).toEqual(['verify']);
  });

  it('completes subcommands and options of nested commands', async () => {
    expect(await complete('key', 'ro')).toEqual(['rotate']);
    expect((await complete('key', 'rotate', '--ke')).sort()).toEqual(['--keep', '--key', '--key-type']);
    expect((await complete('verify', '--tr')).sort()).toEqual(['--trust-dir', '--trust-on-first-use', '--trust-repo']);
  });

  it('skips option values when finding the command, and leaves values to file completion', async () => {
    expect(await complete('--home', 'key', 'verify', '--js')).toEqual(['--json']);
    expect(await complete('verify', '--root', '')).toEqual([]);
  });
});

describe('signet completion zsh|fish', () => {
  it('prints a zsh script running the same completion through bashcompinit', async () => {
    const zsh = await s.cli(['completion', 'zsh']);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toMatch(/^#compdef signet\nautoload -U \+X bashcompinit && bashcompinit\n/);
    expect(zsh.stdout).toContain('complete -o default -F _signet signet');
  });

  it('prints fish completions for every command', async () => {
    const fish = await s.cli(['completion', 'fish']);
    expect(fish.code).toBe(0);
    for (const command of ['verify', 'sign', 'revoke', 'completion']) expect(fish.stdout).toContain(`-n '__fish_use_subcommand' -a '${command}'`);
    expect(fish.stdout).toContain(`-n '__fish_seen_subcommand_from key; and not __fish_seen_subcommand_from`);
  });

  it('refuses another shell with exit 2', async () => {
    const other = await s.cli(['completion', 'tcsh']);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('use bash, zsh, fish');
  });
});
