// Issue 14 item 2: every flag an error message suggests exists on the command
// it is suggested for. Two nets: (1) statically, every error constructed in src/
// is read for `signet CMD … --flag` (checked against CMD's options) and bare
// `--flag` (checked to exist on some command); (2) dynamically, every command
// that opens a store is run through its trust-resolution failures (no policy,
// two repositories, a store template, a missing pinned root) and each flag in
// its error line is checked against that command's own options.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram, runCli } from '../../src/cli/run-cli.js';
import { CliRuntime } from '../../src/cli/runtime.js';

const repoRoot = new URL('../../', import.meta.url).pathname;
const program = buildProgram(new CliRuntime({ env: {}, cwd: repoRoot, out: () => undefined, err: () => undefined, readStdin: async () => '', stdinIsTTY: false, stderrIsTTY: false }));
const GLOBAL = new Set(['--help', '--version', ...program.options.map((o) => o.long!)]);

/** Every command path (groups and leaves) with the long flags it accepts. */
const COMMANDS = new Map<string, Set<string>>();
(function walk(command: Command, path: string[]) {
  if (path.length > 0) COMMANDS.set(path.join(' '), new Set([...GLOBAL, ...command.options.map((o) => o.long!).filter(Boolean)]));
  for (const sub of command.commands) walk(sub, [...path, sub.name()]);
})(program, []);
const ALL_FLAGS = new Set([...COMMANDS.values()].flatMap((s) => [...s]));

/** The command a `signet …` text names: the longest known path among its leading words. */
function commandOf(words: string[]): string | undefined {
  for (let n = Math.min(words.length, 2); n > 0; n--) {
    const path = words.slice(0, n).join(' ');
    if (COMMANDS.has(path)) return path;
  }
  return undefined;
}

/** Code spans of printed text: `…`. */
const outputSpans = (text: string) => [...text.matchAll(/`([^`]*)`/g)].map((m) => ({ whole: m[0], code: m[1]! }));
/** Code spans in source: \`…\` inside template literals, `…` inside quoted strings. */
const sourceSpans = (text: string) => [
  ...[...text.matchAll(/\\`([^`]*?)\\`/g)].map((m) => ({ whole: m[0], code: m[1]! })),
  ...[...text.matchAll(/'[^'\n]*'/g)].flatMap((q) => outputSpans(q[0])),
];

/** Flags in a message: those inside `signet …` code spans, with their command, and the bare ones. */
function flagsIn(message: string, spans = outputSpans): { named: Array<{ command: string; flag: string }>; bare: string[] } {
  const named: Array<{ command: string; flag: string }> = [];
  let rest = message;
  // `signet …` spans are checked against that command; another tool's command line (npm, pkcs11-tool) is not ours.
  for (const span of spans(message)) {
    rest = rest.replace(span.whole, ' ');
    if (!span.code.startsWith('signet ')) continue;
    const command = commandOf(span.code.split(/\s+/).slice(1));
    if (command) for (const flag of span.code.matchAll(/\s(--[a-z][a-z-]*)/g)) named.push({ command, flag: flag[1]! });
  }
  return { named, bare: [...rest.matchAll(/(?<![\w-])(--[a-z][a-z-]*)/g)].map((m) => m[1]!) };
}

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(path)));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

describe('flags suggested by error messages', () => {
  it('statically: each error built in src/ names only flags that exist (on the signet command it quotes)', async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const file of await sourceFiles(join(repoRoot, 'src'))) {
      const text = await readFile(file, 'utf8');
      // From each `new XxxError(` to the end of its statement: the message and its pieces.
      for (const call of text.matchAll(/new (?:Usage|Verification|Inconclusive|Signet)Error\(([\s\S]*?)\);\n/g)) {
        const { named, bare } = flagsIn(call[1]!, sourceSpans);
        for (const { command, flag } of named) {
          checked++;
          if (!COMMANDS.get(command)!.has(flag)) problems.push(`${file.slice(repoRoot.length)}: suggests \`signet ${command} … ${flag}\`, which signet ${command} does not accept`);
        }
        for (const flag of bare) {
          checked++;
          if (!ALL_FLAGS.has(flag)) problems.push(`${file.slice(repoRoot.length)}: suggests ${flag}, which no command accepts`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  describe('dynamically, through the trust-resolution failures of every store command', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'signet-error-flags-'));
      await mkdir(join(dir, 'roots'), { recursive: true });
      await copyFile(join(repoRoot, 'keys/sample-root.json'), join(dir, 'roots/root.json'));
    });
    afterAll(async () => rm(dir, { recursive: true, force: true }));

    const POLICIES: Record<string, unknown> = {
      'no policy': undefined,
      'two repositories': { version: 1, trust: [{ scope: 'team/*', store: './a', root: 'roots/root.json' }, { scope: '**', store: './b', root: 'roots/root.json' }] },
      'a store template': { version: 1, trust: [{ scope: '**', store: 'oci://{registry}/{repository}', root: 'roots/root.json' }] },
      'a missing pinned root': { version: 1, trust: [{ scope: '**', store: './a', root: 'roots/gone.json' }] },
    };
    const RUNS: string[][] = [
      ['sign', 'oci-layout:fixtures/oci/app:1.0'],
      ['verify', 'oci-layout:fixtures/oci/app:1.0'],
      ['list'],
      ['list', 'team/app:'],
      ['pull', 'oci-layout-only/app:1.0', '--to', 'out'],
      ['revoke', 'team/app:1.0'],
      ['revoke', '--digest', `sha256:${'a'.repeat(64)}`],
      ['timestamp'],
      ['status'],
      ['delegation', 'list'],
      ['delegation', 'remove', 'ci'],
      ['delegation', 'add', 'ci', '--key', 'ffffffff', '--paths', 'team/*'],
      ['key', 'rotate', 'targets'],
      ['key', 'revoke', 'ffffffff'],
      ['root', 'publish', 'keys/sample-root.json', '--trust-repo', './a'],
    ];

    it('each error line names only flags of the command that printed it', async () => {
      const problems: string[] = [];
      let errors = 0;
      for (const [label, policy] of Object.entries(POLICIES)) {
        const home = join(dir, label.replace(/\W+/g, '-'));
        await mkdir(home, { recursive: true });
        if (policy) await writeFile(join(home, 'policy.json'), JSON.stringify(policy).replaceAll('roots/', `${dir}/roots/`));
        for (const args of RUNS) {
          const result = await runCli(args, { env: { SIGNET_HOME: home }, cwd: repoRoot });
          const path = commandOf(args)!;
          for (const line of result.stderr.split('\n').filter((l) => l.startsWith('error:'))) {
            errors++;
            const { named, bare } = flagsIn(line);
            for (const flag of bare) if (!COMMANDS.get(path)!.has(flag)) problems.push(`[${label}] signet ${args.join(' ')}: "${line}" suggests ${flag}, which signet ${path} does not accept`);
            for (const n of named) if (!COMMANDS.get(n.command)!.has(n.flag)) problems.push(`[${label}] signet ${args.join(' ')}: suggests \`signet ${n.command} ${n.flag}\`, which it does not accept`);
          }
        }
      }
      expect(problems).toEqual([]);
      expect(errors).toBeGreaterThan(40);
    }, 300_000);
  });
});
