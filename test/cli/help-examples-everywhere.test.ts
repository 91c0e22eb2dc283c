// Every command and subcommand's --help ends with worked examples, and every
// `--option` an example uses is one that command actually accepts (examples
// that name a wrong flag are worse than none).

import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';

const help = async (path: string[]) => (await runCli([...path, '--help'], { env: {}, cwd: process.cwd() })).stdout;
const subcommands = (text: string) =>
  [...text.slice(text.indexOf('Commands:'), text.indexOf('\n\n', text.indexOf('Commands:'))).matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');

async function allCommands(): Promise<string[][]> {
  const out: string[][] = [];
  for (const name of subcommands(await help([]))) {
    const text = await help([name]);
    const subs = text.includes('\nCommands:') ? subcommands(text) : [];
    if (subs.length === 0) out.push([name]);
    for (const sub of subs) out.push([name, sub]);
  }
  return out;
}

describe('signet --help of every command', () => {
  it('has an Examples section whose options exist on the command they call', async () => {
    const commands = await allCommands();
    expect(commands.length).toBeGreaterThan(30);
    const known = new Map<string, Set<string>>();
    const optionsOf = async (path: string[]) => {
      const key = path.join(' ');
      if (!known.has(key)) known.set(key, new Set([...(await help(path)).matchAll(/^\s+(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]!)));
      return known.get(key)!;
    };
    const groups = new Set(commands.filter((c) => c.length === 2).map((c) => c[0]!));
    const problems: string[] = [];
    for (const path of commands) {
      const text = await help(path);
      if (!text.includes('\nExamples:\n')) {
        problems.push(`signet ${path.join(' ')} --help has no examples`);
        continue;
      }
      for (const line of text.slice(text.indexOf('\nExamples:\n')).split('\n')) {
        for (const segment of line.replace(/#.*/, '').split(/&&|\|/)) {
          const words = /\bsignet ((?:[a-z][a-z-]* ?)+)/.exec(segment)?.[1]?.trim().split(' ');
          if (!words) continue;
          const target = groups.has(words[0]!) && words[1] ? words.slice(0, 2) : words.slice(0, 1);
          const accepted = await optionsOf(target);
          for (const used of segment.matchAll(/\s(--[a-z-]+)/g)) {
            if (!accepted.has(used[1]!)) problems.push(`signet ${path.join(' ')} --help: "${segment.trim()}" uses ${used[1]}, which signet ${target.join(' ')} does not accept`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
