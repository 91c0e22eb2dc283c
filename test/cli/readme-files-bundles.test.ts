// The README's "Files" and "Air-gapped verification" examples, executed as
// written (in-process, in a temp dir holding ./images/app and ./dist).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { readPolicy } from '../../src/policy/trust-policy.js';

let s: SignetEnv;
beforeAll(async () => {
  s = await makeSignetEnv();
  await mkdir(join(s.dir, 'dist'));
  await writeFile(join(s.dir, 'dist', 'app-1.0.tar.gz'), 'release tarball');
  await writeFile(join(s.dir, 'dist', 'sbom.spdx.json'), '{"spdxVersion":"SPDX-2.3"}');
});
afterAll(async () => s.cleanup());

/** `signet …` lines of the first sh block under `heading`, arguments split. */
async function block(heading: string): Promise<string[][]> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf(heading));
  const text = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  return text
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.startsWith('signet '))
    .map((line) => [...line.slice('signet '.length).matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!));
}

describe('README files and bundles sections', () => {
  it('run as written: sign three, verify three, revoke one (then refused), bundle, verify and pull from the bundle', async () => {
    for (const args of await block('## Files: tarballs, binaries, SBOMs')) {
      const result = await s.cli(args);
      expect(result.code, `signet ${args.join(' ')}\n${result.stderr}`).toBe(0);
      if (args[0] === 'verify') expect(result.stdout.trim().split('\n')).toHaveLength(3);
      if (args[0] === 'init') await copyFile((await readPolicy(join(s.home, 'policy.json'))).trust[0]!.root, join(s.dir, 'root.json'));
    }
    const refused = await s.cli(['verify', 'file:./dist/sbom.spdx.json']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('no longer signed');

    const commands = await block('## Air-gapped verification: bundles');
    expect(commands.map((c) => c[0])).toEqual(['bundle', 'verify', 'pull']);
    for (const args of commands) {
      const result = await s.cli(args);
      expect(result.code, `signet ${args.join(' ')}\n${result.stderr}`).toBe(0);
    }
  });
});
