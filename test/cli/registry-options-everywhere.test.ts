// Issue 14 item 1, found mechanically: every command whose action opens a
// store (it names a trust repository: --trust-repo, or a <trust-repo>
// argument) takes the one registry option group, and every such command is
// run against real registries with htpasswd and token auth
// (registry-auth-{htpasswd,token}.test.ts). A new command must be classified.

import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/run-cli.js';
import { CliRuntime } from '../../src/cli/runtime.js';

/** Leaf commands that never open a trust store or an image, and why. */
const NO_STORE = new Map<string, string>([
  ['demo', 'a local OCI layout and a directory store it creates itself'],
  ['completion', 'prints a shell script generated from the command tree'],
  ['key generate', 'the local keystore only'],
  ['key list', 'the local keystore only'],
  ['key import', 'the local keystore only'],
  ['key export', 'the local keystore only'],
  ['key remove', 'the local keystore only'],
  ['key passwd', 'the local keystore only'],
  ['root create', 'offline ceremony: files only, never the network'],
  ['root sign', 'offline ceremony: files only, never the network'],
  ['root verify', 'offline ceremony: files only, never the network'],
  ['root rotate', 'offline ceremony: files only, never the network'],
  ['tuf init', 'general TUF client over http(s)/file metadata URLs, not signet stores'],
  ['tuf refresh', 'general TUF client over http(s)/file metadata URLs, not signet stores'],
  ['tuf download', 'general TUF client over http(s)/file metadata URLs, not signet stores'],
  ['admission manifests', 'prints Kubernetes YAML for the gate; never contacts a store'],
  ['trust add', 'writes the local policy and pinned root; never contacts the store'],
  ['trust list', 'reads the local policy'],
  ['trust remove', 'edits the local policy'],
  ['completion', 'prints a shell completion script; never contacts a store'],
]);

/** Store commands whose authenticated-registry runs live in their own tests. */
const ELSEWHERE = new Map<string, string>([
  ['migrate notary', 'needs a Notary server: test/notary/bearer-auth.test.ts and test/cli/migrate-registry.test.ts'],
  ['admission serve', 'a long-running webhook (test/admission); it takes the same registry options, not yet run against an authenticated registry'],
]);

const REGISTRY_FLAGS = ['--username', '--password-stdin', '--insecure-registry', '--ca-file'];

function leaves(command: Command, path: string[] = []): Array<{ path: string; command: Command }> {
  const subs = command.commands.filter((c) => c.name() !== 'help');
  if (subs.length === 0) return [{ path: path.join(' '), command }];
  return subs.flatMap((c) => leaves(c, [...path, c.name()]));
}

function storeCommands(): Array<{ path: string; command: Command }> {
  const program = buildProgram(new CliRuntime({ env: {}, cwd: process.cwd(), out: () => undefined, err: () => undefined, readStdin: async () => '', stdinIsTTY: false, stderrIsTTY: false }));
  return leaves(program).filter(({ command }) => command.options.some((o) => o.long === '--trust-repo') || command.registeredArguments.some((a) => a.name() === 'trust-repo'));
}

describe('registry options on every command that opens a store', () => {
  const program = buildProgram(new CliRuntime({ env: {}, cwd: process.cwd(), out: () => undefined, err: () => undefined, readStdin: async () => '', stdinIsTTY: false, stderrIsTTY: false }));
  const all = leaves(program);

  it('classifies every command: it names a trust repository, or is listed as never opening one', () => {
    const stores = new Set(storeCommands().map((c) => c.path));
    const unclassified = all.filter((c) => !stores.has(c.path) && !NO_STORE.has(c.path) && !c.command.options.some((o) => o.long === '--username')).map((c) => c.path);
    expect(unclassified).toEqual([]);
    expect(stores.size).toBeGreaterThanOrEqual(20);
    for (const expected of ['timestamp', 'revoke', 'status', 'list', 'key rotate', 'key revoke', 'delegation add', 'delegation remove', 'delegation list', 'root publish', 'copy', 'bins status', 'bins migrate', 'init']) {
      expect(stores).toContain(expected);
    }
  });

  it('gives each of them the registry options and credential help that sign has', () => {
    const missing: string[] = [];
    for (const { path, command } of [...storeCommands(), ...all.filter((c) => c.path === 'sign')]) {
      const longs = new Set(command.options.map((o) => o.long));
      for (const flag of REGISTRY_FLAGS) if (!longs.has(flag)) missing.push(`${path} lacks ${flag}`);
    }
    expect(missing).toEqual([]);
  });

  it('runs each of them against the authenticated registries (the list in registry-auth-scenario.ts)', async () => {
    const { readFile } = await import('node:fs/promises');
    const scenario = await readFile(new URL('../support/registry-auth-scenario.ts', import.meta.url), 'utf8');
    const notRun = storeCommands()
      .map((c) => c.path)
      .filter((path) => !ELSEWHERE.has(path) && !scenario.includes(`['${path.split(' ').join("', '")}'`));
    expect(notRun).toEqual([]);
  });
});
