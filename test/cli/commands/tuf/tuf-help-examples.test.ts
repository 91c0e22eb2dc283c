// Every example in `signet tuf <command> --help` runs as written (only the
// port changes) against a repository in ./repository served on 127.0.0.1.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../../src/cli/run-cli.js';
import { ModelsRepo } from '../../../tuf-client/helpers/models-repo.js';
import { serveDirectory, type StaticServer } from '../../../tuf-client/helpers/static-server.js';

let work: string;
let server: StaticServer;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'signet-tuf-help-'));
  const repo = new ModelsRepo(join(work, 'repository'), { keyKind: 'rsa', consistentSnapshot: false });
  repo.addTarget('app/config.json', Buffer.from('{"debug":false}\n'));
  await repo.init();
  await writeFile(join(work, 'root.json'), repo.root1);
  server = await serveDirectory(repo.dir);
});

afterAll(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

async function helpExamples(command: string): Promise<string[][]> {
  const help = await runCli(['tuf', command, '--help'], { cwd: work, env: {} });
  expect(help.code).toBe(0);
  const examples = help.stdout.slice(help.stdout.indexOf('Examples:'));
  return examples
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('signet tuf '))
    .map((line) => line.split(/\s+/).slice(1));
}

describe('signet tuf --help examples', () => {
  it('run as written, in order: init, refresh, download', async () => {
    const commands = [...(await helpExamples('init')), ...(await helpExamples('refresh')), ...(await helpExamples('download'))];
    expect(commands.map((argv) => argv[1])).toEqual(['init', 'refresh', 'refresh', 'download']);
    for (const argv of commands) {
      const result = await runCli(argv.map((arg) => arg.replace('http://127.0.0.1:8080', server.url)), { cwd: work, env: {} });
      expect(result.stderr, argv.join(' ')).not.toMatch(/error/);
      expect(result.code, argv.join(' ')).toBe(0);
    }
    expect(await readFile(join(work, 'downloads', 'app%2Fconfig.json'), 'utf8')).toBe('{"debug":false}\n');
  });
});
