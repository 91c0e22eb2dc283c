// Fill the library's PassphraseProvider from, in order: --passphrase-file,
// SIGNET_PASSPHRASE_<ROLE> (then SIGNET_PASSPHRASE), --passphrase-stdin, or a
// no-echo terminal prompt. Passphrases are never printed or logged.

import { resolve } from 'node:path';
import type { PassphraseProvider, PassphraseRequest } from '../keys/keystore.js';
import { shortKeyId } from '../keys/key-id.js';
import { readFileBounded } from '../store/atomic-file.js';
import { UsageError } from '../errors.js';
import type { CliIO } from './io.js';

export interface PassphraseOptions {
  passphraseFile?: string;
  passphraseStdin?: boolean;
}

/** `SIGNET_PASSPHRASE_TARGETS`, `SIGNET_PASSPHRASE_TEAM_APP` for role `team-app`. */
export function passphraseEnvName(role: string): string {
  return `SIGNET_PASSPHRASE_${role.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function cliPassphrases(io: CliIO, options: PassphraseOptions): PassphraseProvider {
  let fromStdin: string | undefined;
  return async (request: PassphraseRequest) => {
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

function stripNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}
