// The Notary v1 option group shared by `signet migrate notary` and
// `signet verify --notary`: where the collection is read from, how its root
// is pinned, and token-realm credentials (NOTARY_AUTH, as the notary CLI uses).

import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { NotarySourceOptions } from '../workflows/notary-source.js';
import type { CliIO } from './io.js';

export interface NotaryCommandOptions {
  trustDir?: string;
  tlsCa?: string;
  rootCert?: string;
  rootKeyId?: string[];
  trustOnFirstUse?: boolean;
}

export function withNotaryOptions(command: Command): Command {
  return command
    .option('--trust-dir <dir>', 'read a local Notary/Docker trust directory instead of a server (e.g. ~/.docker/trust)')
    .option('--tls-ca <file>', 'PEM CA certificate(s) to trust for the Notary server')
    .option('--root-cert <file>', 'pin: the root certificate (PEM) the collection must be signed by')
    .option('--root-key-id <id>', 'pin: a root key id, as `notary key list` prints it (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--trust-on-first-use', 'accept whatever root is found (a first look only; prefer a pin)');
}

/** The library options for the Notary source; `server` comes from the command's own flag. */
export function notarySourceOptions(options: NotaryCommandOptions, server: string | undefined, io: CliIO): NotarySourceOptions {
  const source: NotarySourceOptions = {};
  if (server) source.server = server;
  if (options.trustDir) source.trustDir = options.trustDir;
  if (options.tlsCa) source.tlsCa = options.tlsCa;
  if (options.rootCert) source.rootCert = options.rootCert;
  if (options.rootKeyId) source.rootKeyIds = options.rootKeyId;
  if (options.trustOnFirstUse) source.trustOnFirstUse = true;
  const auth = io.env['NOTARY_AUTH'];
  if (auth) {
    const text = Buffer.from(auth, 'base64').toString('utf8');
    const colon = text.indexOf(':');
    if (colon <= 0) throw new UsageError('notary-auth', 'NOTARY_AUTH must be base64 of "username:password"');
    source.credentials = { username: text.slice(0, colon), password: text.slice(colon + 1) };
  }
  return source;
}
