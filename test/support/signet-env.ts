// A throwaway signet environment for tests: a temp dir, its own SIGNET_HOME,
// a test passphrase, the sample OCI layout, and an in-process CLI runner.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../../src/cli/run-cli.js';
import { writeSampleLayout } from '../../src/image/sample-images.js';
import type { SignetContext } from '../../src/workflows/context.js';
import { KeyRing } from '../../src/keys/key-ring.js';

export const TEST_PASSPHRASE = 'TEST-ONLY passphrase';

export interface SignetEnv {
  dir: string;
  home: string;
  layout: string;
  env: Record<string, string>;
  /** `oci-layout:<layout>:<tag>` */
  ref(tag: string): string;
  cli(args: string[], extra?: { stdin?: string; env?: Record<string, string> }): Promise<CliResult>;
  context(now?: Date): SignetContext;
  cleanup(): Promise<void>;
}

export async function makeSignetEnv(): Promise<SignetEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'signet-test-'));
  const home = join(dir, 'home');
  const layout = join(dir, 'images', 'app');
  await writeSampleLayout(layout);
  const env = { SIGNET_HOME: home, SIGNET_PASSPHRASE: TEST_PASSPHRASE, PATH: process.env['PATH'] ?? '' };
  return {
    dir,
    home,
    layout,
    env,
    ref: (tag) => `oci-layout:${layout}:${tag}`,
    cli: (args, extra = {}) => runCli(args, { env: { ...env, ...extra.env }, cwd: dir, ...(extra.stdin !== undefined ? { stdin: extra.stdin } : {}) }),
    context: (now = new Date()) => ({ home, cwd: dir, now, passphrases: async () => TEST_PASSPHRASE, keys: new KeyRing({ home, passphrases: async () => TEST_PASSPHRASE }), log: () => undefined }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
