// `signet bins migrate|status`: the hashed bins layout of a trust repository.

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../runtime.js';
import { examples, withOutputOptions, withPassphraseOptions } from '../options.js';
import { binsLayoutOptions, withBinsOptions, type BinsCommandOptions } from '../bins-options.js';
import { withRegistryOptions, type RegistryCommandOptions } from '../registry-options.js';

interface BinsMigrateOptions extends CommonOptions, BinsCommandOptions, RegistryCommandOptions {
  root?: string;
}

export function registerBins(program: Command, cli: CliRuntime): void {
  const bins = program.command('bins').description('hashed bins (TAP 15): the layout for repositories with thousands of tags');

  const migrate = bins
    .command('migrate')
    .description('move every target of a flat trust repository into hashed bins, in one publish; verifiers move forward unchanged')
    .argument('<trust-repo>', 'the trust repository: a directory or oci://host[:port]/repository')
    .option('--root <file>', 'pinned root (default: the one `signet init` pinned for this repository)');
  withRegistryOptions(withBinsOptions(withPassphraseOptions(withOutputOptions(migrate))));
  examples(migrate, ['signet bins migrate ./trust', 'signet bins migrate /srv/trust --bins 1024 --passphrase-file pass.txt']);
  migrate.action(async (location: string, options: BinsMigrateOptions) => {
    const { migrateTrustRepository } = await import('../../workflows/bins.js');
    const migrateOptions: Parameters<typeof migrateTrustRepository>[1] = { ...binsLayoutOptions(options) };
    if (options.root) migrateOptions.root = options.root;
    const result = await migrateTrustRepository(location, migrateOptions, await cli.storeContext(options));
    cli.print(options, result, () => [`${result.location} now uses ${result.bins} hashed bins (bit length ${result.bitLength}); moved ${result.moved} target(s)`]);
  });

  const status = bins
    .command('status')
    .description('show whether a trust repository uses hashed bins, and how many')
    .argument('<trust-repo>', 'the trust repository: a directory or oci://host[:port]/repository')
    .option('--root <file>', 'pinned root (default: the one `signet init` pinned for this repository)');
  withRegistryOptions(withOutputOptions(status));
  examples(status, ['signet bins status ./trust --json']);
  status.action(async (location: string, options: CommonOptions & RegistryCommandOptions & { root?: string }) => {
    const { binsStatus } = await import('../../workflows/bins.js');
    const result = await binsStatus(location, options.root ? { root: options.root } : {}, await cli.storeContext(options));
    cli.print(options, result, () => [
      result.bins > 0 ? `${result.location}: ${result.bins} hashed bins (bit length ${result.bitLength})` : `${result.location}: flat (no bins); run \`signet bins migrate\` past a few thousand tags`,
      `snapshot v${result.snapshotVersion} lists ${result.snapshotEntries} file(s); ${result.targetsInTopLevel} target(s) in the top-level targets role`,
    ]);
  });
}
