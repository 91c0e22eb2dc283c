// `signet key …`: the keystore under SIGNET_HOME/keys, one file per sub-command.

import type { Command } from 'commander';
import type { CliRuntime } from '../../runtime.js';
import { examples } from '../../options.js';
import { registerKeyGenerate } from './generate.js';
import { registerKeyList } from './list.js';
import { registerKeyImport } from './import.js';
import { registerKeyExport } from './export.js';
import { registerKeyPasswd } from './passwd.js';
import { registerKeyRemove } from './remove.js';

export function registerKey(program: Command, cli: CliRuntime): void {
  const key = program
    .command('key')
    .description('manage private keys at rest (scrypt + AES-256-GCM, files 0600 in a 0700 folder)');
  examples(key, [
    'signet key generate --role root --public-out root-alice.pub.json',
    'signet key list',
    'signet key export 3f2a91c0 > targets.pub.json',
    'signet key passwd 3f2a91c0',
  ]);
  for (const register of [registerKeyGenerate, registerKeyList, registerKeyImport, registerKeyExport, registerKeyPasswd, registerKeyRemove]) {
    register(key, cli);
  }
}
