// `signet repair`: re-sign snapshot and timestamp over the newest state that
// verifies, when the current ones were broken by someone with push rights.

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../runtime.js';
import { examples, withOutputOptions, withPassphraseOptions } from '../options.js';
import { repositoryOptions, withRepositoryOptions, type RepositoryFlags } from '../repository-options.js';

export function registerRepair(program: Command, cli: CliRuntime): void {
  const command = program
    .command('repair')
    .description('re-publish snapshot and timestamp from the newest state that still verifies (a store whose current timestamp or snapshot was broken, e.g. a version of 2^53+1); needs the snapshot and timestamp keys');
  withPassphraseOptions(withRepositoryOptions(withOutputOptions(command)));
  examples(command, [
    'signet repair                                   # the repository of the trust policy',
    'signet repair --trust-repo /srv/trust --json',
    'signet repair --trust-repo oci://registry.example.com/team/app --root root.json',
  ]);
  command.action(async (options: CommonOptions & RepositoryFlags) => {
    const { repairWorkflow } = await import('../../workflows/repair.js');
    const report = await repairWorkflow(repositoryOptions(options), await cli.storeContext(options));
    cli.print(options, report, () => [
      report.replaced.length > 0 ? `replaced ${report.replaced.join(' and ')} in ${report.trustRepository}` : `nothing was broken in ${report.trustRepository}; re-signed`,
      `published snapshot v${report.snapshot}, timestamp v${report.timestamp}`,
    ]);
  });
}
