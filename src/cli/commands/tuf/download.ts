// `signet tuf download … --target-name NAME…`: refresh, then download and
// verify each named target in order, stopping at the first failure.

import type { Command } from 'commander';
import type { CliRuntime } from '../../runtime.js';
import { examples } from '../../options.js';
import { TUF_EXIT_HELP, runTufAction } from './tuf-action.js';
import { withRepositoryOptions, type TufRepositoryOptions } from './refresh.js';

interface TufDownloadCommandOptions extends TufRepositoryOptions {
  targetBaseUrl: string;
  targetDir: string;
  targetName: string[];
}

export function registerTufDownload(tuf: Command, cli: CliRuntime): void {
  const command = withRepositoryOptions(
    tuf.command('download').description('refresh, then download targets, each checked against its signed length and hashes'),
  )
    .requiredOption('--target-base-url <url>', 'where the repository serves target files: http(s)://…, file:… or a directory')
    .requiredOption('--target-dir <dir>', 'where to store targets (as the URL-encoded target name: a/b.txt → a%2Fb.txt)')
    .requiredOption('--target-name <name>', 'a target to download; repeat for several (downloaded in order)', (value: string, previous: string[] = []) => [...previous, value]);
  command.addHelpText('after', '\nA stored target whose length and hashes already match is not fetched again.\n' + TUF_EXIT_HELP);
  examples(command, [
    'signet tuf download --metadata-url http://127.0.0.1:8080/metadata/ --metadata-dir ./tuf-metadata \\\n' +
      '      --target-base-url http://127.0.0.1:8080/targets/ --target-dir ./downloads --target-name app/config.json',
  ]);
  command.action(async (options: TufDownloadCommandOptions) =>
    runTufAction(cli, async () => {
      const { tufDownload } = await import('../../../tuf-client/tuf-download.js');
      const result = await tufDownload({
        metadataUrl: options.metadataUrl,
        metadataDir: options.metadataDir,
        targetBaseUrl: options.targetBaseUrl,
        targetDir: options.targetDir,
        targetNames: options.targetName,
        cwd: cli.io.cwd,
        allowInsecureHttp: options.allowInsecureHttp === true,
        log: (line) => cli.io.err(`${line}\n`),
      });
      cli.print(options, result, () => result.targets.map((t) => `${t.name} -> ${t.path} (${t.fetched ? `downloaded, ${t.length} bytes` : 'already present'})`));
    }),
  );
}
