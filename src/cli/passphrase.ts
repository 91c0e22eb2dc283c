// Fill the library's PassphraseProvider from, in order: --passphrase-file,
// SIGNET_PASSPHRASE_<ROLE> (then SIGNET_PASSPHRASE), --passphrase-stdin, or a
// no-echo terminal prompt. PKCS#11 token PINs (purpose `pin`) come from the
// key URI's pin-source file, SIGNET_PKCS11_PIN, or a prompt. Passphrases and
// PINs are never printed or logged.

import { resolve } from 'node:path';
import type { PassphraseProvider, PassphraseRequest } from '../keys/keystore.js';
import { shortKeyId } from '../keys/key-id.js';
import { readFileBounded } from '../store/atomic-file.js';
import { UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';
import type { CliIO } from './io.js';

export interface PassphraseOptions {
  passphraseFile?: string;
  passphraseStdin?: boolean;
  /**
   * `signet key passwd`: new passphrases come from their own sources
   * (--new-passphrase-file, SIGNET_NEW_PASSPHRASE_<ROLE>, SIGNET_NEW_PASSPHRASE,
   * the second line of stdin, or a confirmed prompt), never from the old one's.
   */
  separateNewPassphrase?: boolean;
  newPassphraseFile?: string;
}

/** `SIGNET_PASSPHRASE_TARGETS`, `SIGNET_PASSPHRASE_TEAM_APP` for role `team-app`. */
export function passphraseEnvName(role: string): string {
  return `SIGNET_PASSPHRASE_${role.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function cliPassphrases(io: CliIO, options: PassphraseOptions): PassphraseProvider {
  let fromStdin: string | undefined;
  return async (request: PassphraseRequest) => {
    if (request.purpose === 'pin') return tokenPin(io, request);
    if (options.separateNewPassphrase) {
      if (request.purpose === 'new') return newPassphrase(io, options, request);
      if (options.passphraseStdin && !options.passphraseFile) return stdinLines(io, 0, 'the current passphrase');
    }
    if (options.passphraseFile) {
      const path = resolve(io.cwd, options.passphraseFile);
      const bytes = await readFileBounded(path, 64 * 1024);
      if (bytes === undefined) throw new UsageError('no-passphrase', `passphrase file ${path} does not exist`);
      return stripNewline(bytes.toString('utf8'));
    }
    const specific = io.env[passphraseEnvName(request.role)];
    if (specific !== undefined && specific !== '') return specific;
    const generic = io.env['SIGNET_PASSPHRASE'];
    if (generic !== undefined && generic !== '') return generic;
    if (options.passphraseStdin) {
      fromStdin ??= stripNewline(await io.readStdin());
      return fromStdin;
    }
    if (io.stdinIsTTY && io.promptSecret) {
      const what = `${request.role} key ${shortKeyId(request.keyId)}`;
      if (request.purpose === 'new') {
        const first = await io.promptSecret(`New passphrase for the ${what}: `);
        const second = await io.promptSecret('Repeat it: ');
        if (first !== second) throw new UsageError('passphrase-mismatch', 'the two passphrases differ; nothing was changed');
        return first;
      }
      return io.promptSecret(`Passphrase for the ${what}: `);
    }
    throw new UsageError(
      'no-passphrase',
      `no passphrase for the ${request.role} key ${shortKeyId(request.keyId)}: set ${passphraseEnvName(request.role)} (or SIGNET_PASSPHRASE), or pass --passphrase-file FILE or --passphrase-stdin`,
    );
  };
}

/** SIGNET_PKCS11_PIN names the user PIN of the token(s) a command uses. */
export const PIN_ENV = 'SIGNET_PKCS11_PIN';

/**
 * A token's user PIN: the key URI's pin-source file (RFC 7512; `file:` URI or
 * path, symlinks refused), else SIGNET_PKCS11_PIN, else a no-echo prompt.
 */
async function tokenPin(io: CliIO, request: PassphraseRequest): Promise<string> {
  const token = request.token !== undefined ? `token "${request.token}"` : 'the token';
  if (request.pinSource !== undefined) {
    const source = request.pinSource.startsWith('file:') ? fileUriPath(request.pinSource) : request.pinSource;
    const path = resolve(io.cwd, source);
    const bytes = await readFileBounded(path, LIMITS.passphraseFileBytes, { refuseSymlink: true });
    if (bytes === undefined) throw new UsageError('no-pin', `the pin-source file ${path} for ${token} does not exist; nothing was changed`);
    return stripNewline(bytes.toString('utf8'));
  }
  const fromEnv = io.env[PIN_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (io.stdinIsTTY && io.promptSecret) return io.promptSecret(`User PIN for ${token}: `);
  throw new UsageError('no-pin', `no PIN for ${token}: set ${PIN_ENV}, or add pin-source=FILE to the key's PKCS#11 URI, or run on a terminal to be asked`);
}

function fileUriPath(uri: string): string {
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return uri.slice('file:'.length);
  }
}

/** The new passphrase for `signet key passwd`, from the sources listed on PassphraseOptions. */
async function newPassphrase(io: CliIO, options: PassphraseOptions, request: PassphraseRequest): Promise<string> {
  if (options.newPassphraseFile) {
    const path = resolve(io.cwd, options.newPassphraseFile);
    const bytes = await readFileBounded(path, LIMITS.passphraseFileBytes, { refuseSymlink: true });
    if (bytes === undefined) throw new UsageError('no-passphrase', `new passphrase file ${path} does not exist`);
    return stripNewline(bytes.toString('utf8'));
  }
  const envName = passphraseEnvName(request.role).replace(/^SIGNET_PASSPHRASE/, 'SIGNET_NEW_PASSPHRASE');
  for (const name of [envName, 'SIGNET_NEW_PASSPHRASE']) {
    const value = io.env[name];
    if (value !== undefined && value !== '') return value;
  }
  if (options.passphraseStdin) return stdinLines(io, 1, 'the new passphrase');
  if (io.stdinIsTTY && io.promptSecret) {
    const what = `${request.role} key ${shortKeyId(request.keyId)}`;
    const first = await io.promptSecret(`New passphrase for the ${what}: `);
    const second = await io.promptSecret('Repeat it: ');
    if (first !== second) throw new UsageError('passphrase-mismatch', 'the two passphrases differ; nothing was changed');
    return first;
  }
  throw new UsageError(
    'no-passphrase',
    `no new passphrase for the ${request.role} key ${shortKeyId(request.keyId)}: set ${envName} (or SIGNET_NEW_PASSPHRASE), pass --new-passphrase-file FILE, or give old and new on two lines of --passphrase-stdin`,
  );
}

/** Line `index` of stdin (passwd reads the current passphrase, then the new one). */
async function stdinLines(io: CliIO, index: number, what: string): Promise<string> {
  const line = (await io.readStdin()).split(/\r?\n/)[index];
  if (line === undefined || line === '') throw new UsageError('no-passphrase', `standard input has no line ${index + 1} for ${what}`);
  return line;
}

function stripNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}
