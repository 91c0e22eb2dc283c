// `signet timestamp`: re-sign the timestamp (and the snapshot when it nears
// expiry) so verifiers keep accepting the repository; meant for cron.

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../runtime.js';
import { examples, withOutputOptions, withPassphraseOptions } from '../options.js';
import { collect, repositoryOptions, withRepositoryOptions, type RepositoryFlags } from '../repository-options.js';
import { parseDuration } from '../../metadata/expiry.js';

interface TimestampFlags extends CommonOptions, RepositoryFlags {
  snapshotWithin?: string;
  role?: string[];
}

export function registerTimestamp(program: Command, cli: CliRuntime): void {
  const command = program
    .command('timestamp')
    .description('refresh the timestamp, and the snapshot when it expires within --snapshot-within (for cron)')
    .option('--snapshot-within <duration>', 're-sign the snapshot when it expires within this (default 72h)')
    .option('--role <role>', 'also re-sign this role: snapshot, targets, a delegated role, or root (repeatable; needs its key)', collect);
  withPassphraseOptions(withRepositoryOptions(withOutputOptions(command)));
  examples(command, [
    'signet timestamp                      # hourly from cron: SIGNET_PASSPHRASE_TIMESTAMP=… signet timestamp',
    'signet timestamp --snapshot-within 5d',
    'signet timestamp --role targets       # targets near expiry, with the targets key',
  ]);
  command.action(async (options: TimestampFlags) => {
    const { refreshTimestampWorkflow } = await import('../../workflows/freshness.js');
    const report = await refreshTimestampWorkflow(
      {
        ...repositoryOptions(options),
        ...(options.snapshotWithin ? { snapshotWithinSeconds: parseDuration(options.snapshotWithin) } : {}),
        ...(options.role ? { roles: options.role } : {}),
      },
      cli.context(options),
    );
    cli.print(options, report, () => report.roles.map((r) => `refreshed ${r.role} v${r.version}, expires ${r.expires ?? '?'}`));
  });
}
