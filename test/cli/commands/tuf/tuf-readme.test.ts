// The README's `signet tuf` commands, run exactly as written (only the port
// changes) against a repository served by a static web server on 127.0.0.1.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../../src/cli/run-cli.js';
import { ModelsRepo } from '../../../tuf-client/helpers/models-repo.js';
import { serveDirectory, type StaticServer } from '../../../tuf-client/helpers/static-server.js';

/** The `signet tuf …` lines of the README's TUF client section, continuations joined. */
async function readmeCommands(): Promise<string[][]> {
  const readme = await readFile(new URL('../../../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## signet as a general TUF client'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => line.startsWith('signet tuf '))
    .map((line) => line.trim().split(/\s+/).slice(1));
}

let work: string;
let server: StaticServer;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'signet-tuf-readme-'));
  const repo = new ModelsRepo(join(work, 'repository'), { keyKind: 'ecdsa', consistentSnapshot: true });
  repo.addTarget('hello.txt', Buffer.from('hello\n'));
  repo.addTarget('configs/prod/app.json', Buffer.from('{"replicas":3}\n'));
  await repo.init();
  await writeFile(join(work, 'root.json'), repo.root1);
  server = await serveDirectory(repo.dir);
});

afterAll(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

describe('the README example of signet tuf', () => {
  it('runs as written and downloads the verified targets', async () => {
    const commands = await readmeCommands();
    expect(commands.map((argv) => argv[1])).toEqual(['init', 'refresh', 'download']);
    for (const argv of commands) {
      const result = await runCli(argv.map((arg) => arg.replace('http://127.0.0.1:8080', server.url)), { cwd: work, env: {} });
      expect(result.stderr, argv.join(' ')).not.toMatch(/error/);
      expect(result.code, argv.join(' ')).toBe(0);
    }
    expect(await readFile(join(work, 'downloads', 'hello.txt'), 'utf8')).toBe('hello\n');
    expect(await readFile(join(work, 'downloads', 'configs%2Fprod%2Fapp.json'), 'utf8')).toBe('{"replicas":3}\n');
  });
});
