// SoftHSM2 tokens for tests: a token directory in a temp dir (SOFTHSM2_CONF,
// set in this test process because the module reads it at C_Initialize),
// tokens initialised with softhsm2-util, and keys made outside signet with
// OpenSC's pkcs11-tool. Missing binaries fail the test with the install command.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEST_PIN = '123456';
const SO_PIN = '87654321';
const MODULE_CANDIDATES = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so', '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so'];

export interface SoftHsm {
  dir: string;
  module: string;
  /** Initialise a new token with the test PIN. */
  initToken(label: string): void;
  /** An RFC 7512 URI for `object` on `token`, with this module. */
  uri(token: string, object: string, query?: string): string;
  /** A P-256 key pair made by pkcs11-tool (not by signet). */
  pkcs11ToolKeypair(token: string, label: string, idHex: string): void;
  /** Run pkcs11-tool logged in to `token` with the test PIN. */
  pkcs11Tool(args: string[], token: string): void;
  cleanup(): Promise<void>;
}

function requireBinary(bin: string, pkg: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
  } catch {
    throw new Error(`${bin} is missing; install it with: apt-get install -y ${pkg}`);
  }
}

export async function startSoftHsm(): Promise<SoftHsm> {
  requireBinary('softhsm2-util', 'softhsm2');
  requireBinary('pkcs11-tool', 'opensc');
  const module = MODULE_CANDIDATES.find((p) => existsSync(p));
  if (!module) throw new Error(`libsofthsm2.so is missing; install it with: apt-get install -y softhsm2`);
  const dir = await mkdtemp(join(tmpdir(), 'signet-softhsm-'));
  await mkdir(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  await writeFile(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const previous = process.env['SOFTHSM2_CONF'];
  process.env['SOFTHSM2_CONF'] = conf;
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  return {
    dir,
    module,
    initToken: (label) => {
      execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', TEST_PIN, '--so-pin', SO_PIN], { env, stdio: 'ignore' });
    },
    uri: (token, object, query = '') => `pkcs11:token=${token};object=${object}?module-path=${module}${query}`,
    pkcs11ToolKeypair: (token, label, idHex) => {
      execFileSync('pkcs11-tool', ['--module', module, '--token-label', token, '--login', '--pin', TEST_PIN, '--keypairgen', '--key-type', 'EC:prime256v1', '--label', label, '--id', idHex], { env, stdio: 'ignore' });
    },
    pkcs11Tool: (args, token) => {
      execFileSync('pkcs11-tool', ['--module', module, '--token-label', token, '--login', '--pin', TEST_PIN, ...args], { env, stdio: 'ignore' });
    },
    cleanup: async () => {
      if (previous === undefined) delete process.env['SOFTHSM2_CONF'];
      else process.env['SOFTHSM2_CONF'] = previous;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
