// `signet root rotate CURRENT -o NEXT`: the next root version, unsigned.

import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CliRuntime, CommonOptions } from '../../runtime.js';
import { examples, withOutputOptions } from '../../options.js';

interface RotateOptions extends CommonOptions {
  addKey?: string[];
  removeKey?: string[];
  threshold?: string[];
  expires?: string[];
  out: string;
}

export function registerRootRotate(root: Command, cli: CliRuntime): void {
  const command = root
    .command('rotate')
    .description('write root version N+1 with changed keys, thresholds or expiries; it is valid once a threshold of the old AND of the new root keys sign it')
    .argument('<current>', 'the current (newest) root file')
    .option('--add-key <role=file...>', 'add a public key to a role: a public key file (signet, TUF or PEM) or a key id in this keystore')
    .option('--remove-key <role=keyid...>', 'remove a key from a role: its id, an 8+ digit prefix, or its public key file')
    .option('--threshold <role=n...>', 'change a role\'s threshold')
    .option('--expires <role=duration...>', 'change how long a role stays valid when signed')
    .requiredOption('-o, --out <file>', 'where to write the unsigned next root');
  withOutputOptions(command);
  examples(command, [
    'signet root rotate root-v1.json -o root-v2.json --remove-key root=3f2a91c0 --add-key root=dave.pub.json',
    'signet root rotate root-v2.json -o root-v3.json --add-key timestamp=ts2.pub.json --remove-key timestamp=77aa01bc',
    '# then: old and new root key holders each run `signet root sign root-v2.json --key KEY --previous root-v1.json`',
  ]);
  command.action(async (current: string, options: RotateOptions) => {
    const { readRootFile, writeRootFile } = await import('../../../ceremony/root-file.js');
    const { rotateRoot } = await import('../../../ceremony/root-rotate.js');
    const { parseExpiries, parseRoleAssignments, parseThresholds } = await import('../../../ceremony/root-create.js');
    const { resolvePublicKey } = await import('../../../keys/public-key-input.js');
    const { Keystore } = await import('../../../keys/keystore.js');
    const { describeRoot } = await import('../../../ceremony/root-report.js');
    const { reportLines } = await import('./root-output.js');
    const ctx = cli.context(options);
    const currentRoot = await readRootFile(resolve(ctx.cwd, current));
    const keystore = new Keystore(ctx.home);
    const changes: Parameters<typeof rotateRoot>[1] = { add: [], remove: [], thresholds: parseThresholds(options.threshold ?? []) };
    for (const [role, files] of parseRoleAssignments(options.addKey ?? [], '--add-key')) {
      for (const file of files) changes.add!.push({ role, key: (await resolvePublicKey(file, keystore, ctx.cwd)).key });
    }
    for (const [role, ids] of parseRoleAssignments(options.removeKey ?? [], '--remove-key')) {
      for (const id of ids) {
        // A key id (or prefix), or the retired holder's public key file.
        const keyId = /^[0-9a-f]{8,64}$/i.test(id) ? id : (await resolvePublicKey(id, keystore, ctx.cwd)).keyId;
        changes.remove!.push({ role, keyId });
      }
    }
    if (options.expires) changes.expirySeconds = parseExpiries(options.expires);
    const next = rotateRoot(currentRoot, changes, ctx.now);
    const path = await writeRootFile(resolve(ctx.cwd, options.out), next);
    const report = describeRoot(next, ctx.now, currentRoot);
    cli.print(options, { file: path, ...report }, () => [
      `Wrote unsigned ${path}`,
      ...reportLines(report),
      `Next: holders of root v${currentRoot.signed.version} and root v${next.signed.version} keys run \`signet root sign ${options.out} --key KEY --previous ${current}\`.`,
    ]);
  });
}
