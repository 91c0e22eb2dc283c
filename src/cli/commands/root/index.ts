// `signet root …`: the offline root key ceremony, files only, never the network.

import type { Command } from 'commander';
import type { CliRuntime } from '../../runtime.js';
import { examples } from '../../options.js';
import { registerRootCreate } from './create.js';
import { registerRootSign } from './sign.js';
import { registerRootVerify } from './verify.js';
import { registerRootRotate } from './rotate.js';
import { registerRootPublish } from './publish.js';

export function registerRoot(program: Command, cli: CliRuntime): void {
  const root = program
    .command('root')
    .description('offline root ceremony: create, sign (detached, one key at a time), verify, rotate, publish; the step-by-step is in SECURITY.md');
  examples(root, [
    'signet root create --key root=alice.pub.json --key root=bob.pub.json --key root=carol.pub.json --threshold root=2 \\',
    '    --key targets=targets.pub.json --key snapshot=snapshot.pub.json --key timestamp=timestamp.pub.json -o root.json',
    'signet root sign root.json --key 3f2a91c0',
    'signet root verify root.json',
    'signet root rotate root.json --remove-key root=3f2a91c0 --add-key root=dave.pub.json -o root-v2.json',
    'signet root publish root-v2.json --trust-repo /srv/trust',
  ]);
  for (const register of [registerRootCreate, registerRootSign, registerRootVerify, registerRootRotate, registerRootPublish]) register(root, cli);
}
