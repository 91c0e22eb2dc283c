// `signet timestamp`: re-sign the timestamp (and the snapshot when it nears
// expiry) so verifiers keep accepting the repository; meant for cron.

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../runtime.js';
import { examples, withOutputOptions, withPassphraseOptions } from '../options.js';
import { collect, repositoryOptions, withRepositoryOptions, type RepositoryFlags } from '../repository-options.js';
import { parseDuration } from '../../metadata/expiry.js';
import { EXIT } from '../../errors.js';

/** The crontab line README and `--help` document; test/cli/timestamp-cron.test.ts runs it hourly through 8+ days. */
export const CRON_LINE = '0 * * * *  SIGNET_PASSPHRASE_TIMESTAMP=… SIGNET_PASSPHRASE_SNAPSHOT=… signet timestamp';

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
  command.addHelpText(
    'after',
    [
      '',
      'Cron: run it hourly with both online keys (the timestamp every run, the snapshot when it expires within',
      '--snapshot-within); that keeps the repository verifying for as long as targets and root are valid:',
      `  ${CRON_LINE}`,
      '',
      'Exit codes: 0 refreshed; 4 the timestamp was refreshed but the snapshot is due and its key or passphrase',
      'is not available here (a WARNING on stderr: the repository stops verifying when the snapshot expires);',
      '2 usage or configuration (e.g. no timestamp key: nothing was refreshed); 3 store unreachable.',
    ].join('\n'),
  );
  examples(command, [
    `${CRON_LINE.replace(/^(\S+\s+){5}/, '')}   # what the cron line runs`,
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
      await cli.storeContext(options),
    );
    const late = report.snapshotNotRefreshed;
    if (late) {
      cli.io.err(
        `WARNING: the snapshot ${late.expired ? 'EXPIRED' : 'expires'} ${late.expires} and was NOT re-signed: ${late.reason}\n` +
          `WARNING: the timestamp was refreshed, but verification fails from ${late.expires} on; give this job the snapshot key's passphrase (SIGNET_PASSPHRASE_SNAPSHOT or --passphrase-file), or run \`signet timestamp --role snapshot\` where that key is\n`,
      );
      cli.exitCode = EXIT.partial;
    }
    cli.print(options, report, () => report.roles.map((r) => `refreshed ${r.role} v${r.version}, expires ${r.expires ?? '?'}`));
  });
}
