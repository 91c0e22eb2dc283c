// A ceremony cast for tests: root key holders, each with their own SIGNET_HOME
// and passphrase (separate machines), a "USB stick" folder they pass files
// on, and the online machine (the env's own home) holding the online keys.

import { expect } from 'vitest';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliResult } from '../../src/cli/run-cli.js';
import type { SignetEnv } from '../support/signet-env.js';

export interface Holder {
  name: string;
  home: string;
  /** Public key file on the USB folder. */
  pub: string;
  keyId: string;
  run(args: string[]): Promise<CliResult>;
}

export async function usbOf(s: SignetEnv): Promise<string> {
  const usb = join(s.dir, 'usb');
  await mkdir(usb, { recursive: true });
  return usb;
}

/** A root key holder on their own machine: generates a root key, exports the public half. */
export async function makeHolder(s: SignetEnv, name: string): Promise<Holder> {
  const usb = await usbOf(s);
  const home = join(s.dir, `machine-${name}`);
  const env = { SIGNET_HOME: home, SIGNET_PASSPHRASE_ROOT: `TEST-ONLY ${name} passphrase` };
  const run = (args: string[]) => s.cli(args, { env });
  const pub = join(usb, `root-${name}.pub.json`);
  const generated = await run(['key', 'generate', '--role', 'root', '--repository', 'acme', '--public-out', pub, '--json']);
  expect(generated.code, generated.stderr).toBe(0);
  return { name, home, pub, keyId: JSON.parse(generated.stdout).keyId, run };
}

/** An online key (targets, snapshot, timestamp) in the env's own home; returns its public key file. */
export async function makeOnlineKey(s: SignetEnv, role: string, suffix = ''): Promise<string> {
  const pub = join(await usbOf(s), `${role}${suffix}.pub.json`);
  const generated = await s.cli(['key', 'generate', '--role', role, '--public-out', pub]);
  expect(generated.code, generated.stderr).toBe(0);
  return pub;
}

export async function ok(result: Promise<CliResult> | CliResult): Promise<CliResult> {
  const r = await result;
  expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
  return r;
}

export async function signatureCount(path: string): Promise<number> {
  return (JSON.parse(await readFile(path, 'utf8')) as { signatures: unknown[] }).signatures.length;
}

/** A 2-of-3 root (alice, bob, carol) with the online keys, written to USB/root.json, unsigned. */
export async function createTwoOfThree(s: SignetEnv): Promise<{ holders: Holder[]; rootFile: string; online: { targets: string; snapshot: string; timestamp: string } }> {
  const holders = [await makeHolder(s, 'alice'), await makeHolder(s, 'bob'), await makeHolder(s, 'carol')];
  const online = { targets: await makeOnlineKey(s, 'targets'), snapshot: await makeOnlineKey(s, 'snapshot'), timestamp: await makeOnlineKey(s, 'timestamp') };
  const rootFile = join(await usbOf(s), 'root.json');
  await ok(
    s.cli([
      'root', 'create', '-o', rootFile,
      ...holders.flatMap((h) => ['--key', `root=${h.pub}`]),
      '--threshold', 'root=2',
      '--key', `targets=${online.targets}`, '--key', `snapshot=${online.snapshot}`, '--key', `timestamp=${online.timestamp}`,
    ]),
  );
  return { holders, rootFile, online };
}
