// `signet tuf refresh --metadata-url URL --metadata-dir DIR`: run the TUF
// client workflow (root rotation, timestamp, snapshot, targets) and keep the
// verified metadata in DIR.

import type { Command } from 'commander';
import type { CliRuntime } from '../../runtime.js';
import { examples, withOutputOptions } from '../../options.js';
import { TUF_EXIT_HELP, runTufAction } from './tuf-action.js';

export interface TufRepositoryOptions {
  metadataUrl: string;
  metadataDir: string;
  allowInsecureHttp?: boolean;
  json?: boolean;
}

/** The options `refresh` and `download` share. */
export function withRepositoryOptions(command: Command): Command {
  return withOutputOptions(command)
    .requiredOption('--metadata-url <url>', 'where the repository serves its metadata: http(s)://…, file:… or a directory')
    .requiredOption('--metadata-dir <dir>', 'local trusted metadata directory (see `signet tuf init`)')
    .option('--allow-insecure-http', 'allow plain http:// to hosts that are not loopback (metadata and targets are still verified)');
}

export function registerTufRefresh(tuf: Command, cli: CliRuntime): void {
  const command = withRepositoryOptions(
    tuf.command('refresh').description('update trusted metadata from the repository: root rotations, timestamp, snapshot, targets'),
  );
  command.addHelpText('after', TUF_EXIT_HELP);
  examples(command, [
    'signet tuf refresh --metadata-url http://127.0.0.1:8080/metadata/ --metadata-dir ./tuf-metadata',
    'signet tuf refresh --metadata-url ./repository/metadata --metadata-dir ./tuf-metadata --json',
  ]);
  command.action(async (options: TufRepositoryOptions) =>
    runTufAction(cli, async () => {
      const { tufRefresh } = await import('../../../tuf-client/tuf-client.js');
      const summary = await tufRefresh({
        metadataUrl: options.metadataUrl,
        metadataDir: options.metadataDir,
        cwd: cli.io.cwd,
        allowInsecureHttp: options.allowInsecureHttp === true,
      });
      const v = summary.versions;
      cli.print(options, summary, () => [
        `Trusted metadata in ${summary.metadataDir} is up to date with ${summary.location}:`,
        `  root v${v.root}, timestamp v${v.timestamp}, snapshot v${v.snapshot}, targets v${v.targets}`,
      ]);
    }),
  );
}
