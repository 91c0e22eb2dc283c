// `signet key rotate <role>` and `signet key revoke <keyid>`, registered under
// the `key` command group (shared with the key management commands).

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../runtime.js';
import { examples, withOutputOptions, withPassphraseOptions } from '../options.js';
import { collect, repositoryOptions, withRepositoryOptions, type RepositoryFlags } from '../repository-options.js';
import { shortKeyId } from '../../keys/key-id.js';
import { UsageError } from '../../errors.js';

interface RotateFlags extends CommonOptions, RepositoryFlags {
  key?: string[];
  replace?: string[];
  keep?: boolean;
  threshold?: string;
  reason?: string;
}

/** The `key` group, created by whichever command file registers first. */
export function keyGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'key') ?? program.command('key').description('manage signing keys');
}

export function registerKeyRotation(program: Command, cli: CliRuntime): void {
  const group = keyGroup(program);
  const rotate = group
    .command('rotate')
    .description("replace a role's key: root, targets, snapshot, timestamp (a new root version, signed by the root keys) or a delegated role (re-signed by its delegator)")
    .argument('<role>')
    .option('--key <keyid|pubfile>', 'the new key (repeatable); default: generate one in this keystore', collect)
    .option('--replace <keyid>', 'the key to replace (repeatable); default: the role\'s only key', collect)
    .option('--keep', 'keep the current keys, only add')
    .option('--threshold <k>', 'new threshold (default unchanged)')
    .option('--key-type <type>', 'algorithm of a generated key: ed25519 (default) or ecdsa (P-256)');
  withPassphraseOptions(withRepositoryOptions(withOutputOptions(rotate)));
  examples(rotate, ['signet key rotate timestamp', 'signet key rotate targets --replace 3f2a91c0', 'signet key rotate app-ci --key ./new-ci.pub.json', 'signet key rotate snapshot --key-type ecdsa']);
  rotate.action(async (role: string, options: RotateFlags) => {
    const { rotateKeyWorkflow } = await import('../../workflows/key-rotation.js');
    const rotateOptions: Parameters<typeof rotateKeyWorkflow>[1] = repositoryOptions(options);
    if (options.key) rotateOptions.keys = options.key;
    if (options.replace) rotateOptions.replace = options.replace;
    if (options.keep) rotateOptions.keep = true;
    if (options.threshold !== undefined) {
      const n = Number(options.threshold);
      if (!Number.isSafeInteger(n) || n < 1) throw new UsageError('bad-threshold', `--threshold must be a positive integer`);
      rotateOptions.threshold = n;
    }
    const r = await rotateKeyWorkflow(role, rotateOptions, await cli.storeContext(options));
    cli.print(options, r, () => [
      `rotated ${r.role}: keys now ${r.keyIds.map(shortKeyId).join(', ')} (threshold ${r.threshold})${r.removed.length ? `, removed ${r.removed.map(shortKeyId).join(', ')}` : ''}` +
        (r.rootVersion ? ` in root v${r.rootVersion}` : ` in ${r.changedIn}`),
      ...(r.restarted ? [`${r.role} no longer verified under its old keys and was restarted empty: sign its images again`] : []),
    ]);
  });

  const revoke = group
    .command('revoke')
    .description('remove a key from every role that trusts it; what only it signed stops verifying')
    .argument('<keyid>', 'key id or a prefix of at least 8 hex digits')
    .option('--reason <text>', 'recorded with the revoked targets and shown by verify');
  withPassphraseOptions(withRepositoryOptions(withOutputOptions(revoke)));
  examples(revoke, ['signet key revoke 3f2a91c0 --reason "CI runner compromised"']);
  revoke.action(async (keyId: string, options: RotateFlags) => {
    const { revokeKeyWorkflow } = await import('../../workflows/key-rotation.js');
    const r = await revokeKeyWorkflow(keyId, { ...repositoryOptions(options), ...(options.reason ? { reason: options.reason } : {}) }, await cli.storeContext(options));
    cli.print(options, r, () => [
      `revoked key ${shortKeyId(r.keyId)} in ${r.trustRepository}`,
      ...(r.topLevel.length ? [`  removed from ${r.topLevel.join(', ')} in root v${r.rootVersion}`] : []),
      ...r.delegated.map((d) =>
        d.stillVerifies
          ? `  removed from ${d.role}; it still meets its threshold with its other keys`
          : `  removed from ${d.role}: its ${d.revokedTargets.length} target(s) no longer verify; give it a new key with \`signet key rotate ${d.role}\``,
      ),
    ]);
  });
}
