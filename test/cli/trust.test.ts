// `signet trust add|list|remove` (issue 14 item 4): a deploy machine set up
// from a root file; the README's sample flow executed as written; refusals of
// files that are not roots and of symlinks; errors that point to `trust add`.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';

const repoRoot = new URL('../../', import.meta.url).pathname;
let dir: string;
const cli = (args: string[]) => runCli(args, { env: { SIGNET_HOME: join(dir, 'home') }, cwd: repoRoot });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'signet-trust-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

/** `signet …` lines of the sh block under "## First: verify a signed sample", split like a shell would. */
async function sampleLines(): Promise<string[][]> {
  const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## First: verify a signed sample'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.startsWith('signet '))
    .map((line) => [...line.slice('signet '.length).matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!));
}

describe('the README sample flow, on a fresh SIGNET_HOME', () => {
  it('adds trust from keys/sample-root.json, verifies the signed sample, lists and removes the entry', async () => {
    const lines = await sampleLines();
    expect(lines.map((l) => l.slice(0, 2).join(' '))).toEqual(['trust add', 'verify oci-layout:fixtures/oci/app:1.0', 'trust list', 'trust remove']);
    const outputs: string[] = [];
    for (const args of lines) {
      const result = await cli(args);
      expect(result.code, `signet ${args.join(' ')}\n${result.stderr}`).toBe(0);
      outputs.push(result.stdout);
    }
    expect(outputs[0]).toMatch(/^pinned root v1, expires 2036-10-29T00:00:00Z/m);
    expect(outputs[0]).toMatch(/^ {2}([0-9a-f]{4} ){15}[0-9a-f]{4}$/m);
    expect(outputs[1]).toMatch(/^signet-sample\/app@sha256:0e88cf5e[0-9a-f]{56}$/m);
    expect(outputs[2]).toMatch(/^signet-sample\/\*\t\S+fixtures\/sample-trust\troot v1 expires 2036/m);
    // Removed: nothing covers the sample any more, and the error says how to set it up again.
    const after = await cli(['verify', 'oci-layout:fixtures/oci/app:1.0', '--name', 'signet-sample/app']);
    expect(after.code).toBe(2);
    expect(after.stderr).toContain("signet trust add --scope 'signet-sample/app' --store LOCATION --root ROOT.json");
  });
});

describe('signet trust', () => {
  it('reports as JSON, copies the root into SIGNET_HOME/roots, and replaces an entry with the same scope', async () => {
    const add = await cli(['trust', 'add', '--scope', 'team/*', '--store', 'oci://{registry}/{repository}', '--root', 'keys/sample-root.json', '--json']);
    expect(add.code, add.stderr).toBe(0);
    const report = JSON.parse(add.stdout) as { scope: string; store: string; replaced: boolean; root: { path: string; version: number; expires: string; keys: Array<{ fingerprint: string }>; sha256: string } };
    expect(report).toMatchObject({ scope: 'team/*', store: 'oci://{registry}/{repository}', replaced: false, root: { version: 1, expires: '2036-10-29T00:00:00Z' } });
    expect(report.root.path.startsWith(join(dir, 'home', 'roots'))).toBe(true);
    expect(await readFile(report.root.path)).toEqual(await readFile(join(repoRoot, 'keys/sample-root.json')));
    const again = JSON.parse((await cli(['trust', 'add', '--scope', 'team/*', '--store', join(dir, 'trust'), '--root', 'keys/sample-root.json', '--json'])).stdout) as { replaced: boolean };
    expect(again.replaced).toBe(true);
    const listed = JSON.parse((await cli(['trust', 'list', '--json'])).stdout) as { trust: Array<{ scope: string; store: string }> };
    expect(listed.trust).toEqual([expect.objectContaining({ scope: 'team/*', store: join(dir, 'trust') })]);
    const removed = await cli(['trust', 'remove', 'team/*', '--json']);
    expect(JSON.parse(removed.stdout)).toMatchObject({ removed: { scope: 'team/*' } });
    expect(JSON.parse((await cli(['trust', 'list', '--json'])).stdout)).toEqual({ trust: [] });
  });

  it('refuses a file that is not a root (exit 2), and pins nothing', async () => {
    for (const file of ['package.json', 'fixtures/sample-trust/timestamp.json']) {
      const add = await cli(['trust', 'add', '--scope', 'team/*', '--store', './trust', '--root', file]);
      expect({ file, code: add.code }).toEqual({ file, code: 2 });
      expect(add.stderr).toMatch(/is not a TUF root metadata file/);
    }
    expect(JSON.parse((await cli(['trust', 'list', '--json'])).stdout)).toEqual({ trust: [] });
  });

  it('refuses a root whose own signatures do not meet its threshold (exit 2)', async () => {
    const doc = JSON.parse(await readFile(join(repoRoot, 'keys/sample-root.json'), 'utf8')) as { signed: { version: number } };
    doc.signed.version = 7; // the signature no longer covers it
    await writeFile(join(dir, 'forged-root.json'), JSON.stringify(doc));
    const add = await cli(['trust', 'add', '--scope', 'team/*', '--store', './trust', '--root', join(dir, 'forged-root.json')]);
    expect(add.code).toBe(2);
    expect(add.stderr).toMatch(/carries 0 of the 1 root signatures it needs; refusing to pin it/);
  });

  it('refuses a symlinked root file (exit 2)', async () => {
    await symlink(join(repoRoot, 'keys/sample-root.json'), join(dir, 'link.json'));
    const add = await cli(['trust', 'add', '--scope', 'team/*', '--store', './trust', '--root', join(dir, 'link.json')]);
    expect(add.code).toBe(2);
    expect(add.stderr).toMatch(/is a symlink/);
  });

  it('exits 2 removing a scope that has no entry, naming the entries there are', async () => {
    await cli(['trust', 'add', '--scope', 'team/*', '--store', './trust', '--root', 'keys/sample-root.json']);
    const remove = await cli(['trust', 'remove', 'other/*']);
    expect(remove.code).toBe(2);
    expect(remove.stderr).toMatch(/no trust entry has scope "other\/\*" \(entries: "team\/\*"\)/);
  });

  it('points "no trust repository covers X" and "no pinned root" errors at signet trust add with its exact flags', async () => {
    const none = await cli(['verify', 'oci-layout:fixtures/oci/app:1.0', '--name', 'team/app']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no trust repository covers team/app: set this machine up with `signet trust add --scope 'team/app' --store LOCATION --root ROOT.json`");
    const noRoot = await cli(['verify', 'oci-layout:fixtures/oci/app:1.0', '--name', 'team/app', '--trust-repo', 'fixtures/sample-trust']);
    expect(noRoot.code).toBe(2);
    expect(noRoot.stderr).toContain("pin one with `signet trust add --scope 'team/app' --store 'fixtures/sample-trust' --root ROOT.json`");
  });
});
