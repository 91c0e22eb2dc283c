// `signet init <trust-repo>`: create a trust repository with new keys.

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../runtime.js';
import { examples, withOutputOptions, withPassphraseOptions } from '../options.js';
import { parseExpiryDuration } from '../../metadata/expiry.js';
import type { RoleType } from '../../metadata/types.js';
import { UsageError } from '../../errors.js';
import { policyPathOf } from '../../workflows/context.js';
import { binsLayoutOptions, wantsBins, withBinsOptions, type BinsCommandOptions } from '../bins-options.js';
import { withRegistryOptions, type RegistryCommandOptions } from '../registry-options.js';

interface InitCommandOptions extends CommonOptions, RegistryCommandOptions, BinsCommandOptions {
  scope?: string;
  expires?: string[];
  rootFile?: string;
}

export function registerInit(program: Command, cli: CliRuntime): void {
  const command = program
    .command('init')
    .description('create a trust repository: new keys for root, targets, snapshot and timestamp, version 1 of each role')
    .argument('<trust-repo>', 'where to publish trust metadata: a directory, or oci://host[:port]/repository (in the registry, next to the images)')
    .option('--scope <glob>', 'add a trust policy entry: images whose name matches use this repository (e.g. "team/*")')
    .option('--root-file <file>', 'start from a root signed in an offline ceremony (`signet root sign`) instead of new keys; the keystore must hold its targets, snapshot and timestamp keys')
    .option('--expires <role=duration...>', 'how long each role stays valid when signed, e.g. targets=30d timestamp=12h (defaults: root 1y, targets 90d, snapshot 4d, timestamp 1d; each between 1m and 10y)')
    .option('--key-type <type>', 'algorithm of the keys init generates: ed25519 (default) or ecdsa (P-256)');
  withBinsOptions(withRegistryOptions(withPassphraseOptions(withOutputOptions(command))), true);
  examples(command, [
    'signet init oci://registry.example.com/team/app --scope team/app',
    'signet init ./trust --scope "org/**" --bins 1024',
    'signet init ./trust --scope "team/*" --key-type ecdsa',
    'SIGNET_PASSPHRASE=… signet init ./trust --scope "team/*"',
    'signet init /srv/trust --expires timestamp=12h snapshot=3d --passphrase-file pass.txt',
    'signet init /srv/trust --root-file root.json --scope "acme/**"    # root from an offline ceremony (see SECURITY.md)',
  ]);
  command.action(async (location: string, options: InitCommandOptions) => {
    const { initTrustRepository } = await import('../../workflows/init.js');
    const ctx = await cli.storeContext(options);
    const initOptions: Parameters<typeof initTrustRepository>[1] = {};
    if (options.scope) initOptions.scope = options.scope;
    if (options.expires) initOptions.expirySeconds = parseExpiries(options.expires);
    if (wantsBins(options)) initOptions.bins = binsLayoutOptions(options);
    if (options.rootFile) {
      if (options.expires) throw new UsageError('bad-option', '--expires cannot change a ceremony root; set expiries at `signet root create`');
      initOptions.rootFile = options.rootFile;
    }
    const result = await initTrustRepository(location, initOptions, ctx);
    cli.print(options, result, () => [
      `Created trust repository ${result.location}`,
      ...result.keys.map((k) => `  ${k.role.padEnd(9)} key ${k.keyId}`),
      `Pinned root: ${result.rootPath}`,
      ...(result.bins ? [`Layout: ${result.bins} hashed bins`] : []),
      result.scope ? `Policy: images named "${result.scope}" use this repository` : `No policy entry added (no --scope): sign and verify with --trust-repo ${result.location} --root ${result.rootPath}, or add {"scope": "NAME/*", "store": ${JSON.stringify(result.location)}, "root": ${JSON.stringify(result.rootPath)}} to the "trust" list of ${policyPathOf(ctx)} (README: "How an image finds its trust")`,
    ]);
  });
}

function parseExpiries(items: string[]): Partial<Record<RoleType, number>> {
  const out: Partial<Record<RoleType, number>> = {};
  for (const item of items) {
    const [role, duration] = item.split('=');
    if (!role || !duration || !['root', 'targets', 'snapshot', 'timestamp'].includes(role)) {
      throw new UsageError('bad-expires', `--expires ${item}: use ROLE=DURATION with ROLE one of root, targets, snapshot, timestamp`);
    }
    out[role as RoleType] = parseExpiryDuration(role, duration);
  }
  return out;
}
