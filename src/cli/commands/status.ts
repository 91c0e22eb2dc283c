// `signet status`: each role's version, keys, signers and expiry, with
// warnings for anything expiring within --warn. With --check it exits 1 when
// there is any warning, for monitoring.

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../runtime.js';
import { printable } from '../printable.js';
import { examples, withOutputOptions } from '../options.js';
import { repositoryOptions, withRepositoryOptions, type RepositoryFlags } from '../repository-options.js';
import { parseDuration } from '../../metadata/expiry.js';
import { shortKeyId } from '../../keys/key-id.js';
import { EXIT } from '../../errors.js';

interface StatusFlags extends CommonOptions, RepositoryFlags {
  warn?: string;
  check?: boolean;
}

export function registerStatus(program: Command, cli: CliRuntime): void {
  const command = program
    .command('status')
    .description('roles, versions, keys, signers and expiry of a trust repository; warns about what expires soon')
    .option('--warn <duration>', 'warn about roles expiring within this horizon (the default suits the 1-day timestamp refreshed by an hourly cron)', '12h')
    .option('--check', 'exit 1 when any role is expired, expiring within the horizon, or unverifiable (for monitoring)');
  withRepositoryOptions(withOutputOptions(command));
  command.addHelpText('after', '\nExit codes: 0 ok (or warnings without --check); 1 with --check when there is any warning; 2 usage or configuration error; 3 the trust store could not be read (network, registry unavailable, timeout): monitoring should alert on it too.');
  examples(command, ['signet status', 'signet status --check                     # monitoring: exit 1 when a role expires within 12h', 'signet status --warn 30d --json            # what needs a ceremony or a key holder this month']);
  command.action(async (options: StatusFlags) => {
    const { statusWorkflow } = await import('../../workflows/freshness.js');
    const status = await statusWorkflow({ ...repositoryOptions(options), horizonSeconds: parseDuration(options.warn ?? '12h') }, await cli.storeContext(options));
    for (const warning of status.warnings) cli.io.err(`warning: ${printable(warning)}\n`);
    if (options.check && !status.healthy) cli.exitCode = EXIT.invalid;
    cli.print(options, status, () => [
      `trust repository ${status.location}`,
      ...status.roles.map((r) =>
        [printable(r.role).padEnd(10), `v${r.version}`.padEnd(5), (r.expires ?? '-').padEnd(21), r.state.padEnd(12), `${r.signedBy.length}/${r.threshold} of ${r.keyIds.map(shortKeyId).join(',') || 'no keys'}`].join(' '),
      ),
    ]);
  });
}
