// `signet tuf init <trusted-root.json> --metadata-dir DIR`: trust a TUF
// repository from a root file obtained out of band. Offline.

import type { Command } from 'commander';
import type { CliRuntime } from '../../runtime.js';
import { examples, withOutputOptions } from '../../options.js';
import { TUF_EXIT_HELP, runTufAction } from './tuf-action.js';

interface TufInitOptions {
  metadataDir: string;
  json?: boolean;
}

export function registerTufInit(tuf: Command, cli: CliRuntime): void {
  const command = tuf
    .command('init')
    .description('install a trusted root (verified against its own keys) as DIR/root.json; never touches the network')
    .argument('<trusted-root.json>', 'the root metadata you trust, obtained out of band (not a symlink)')
    .requiredOption('--metadata-dir <dir>', 'local directory for trusted metadata (created if missing)');
  withOutputOptions(command);
  command.addHelpText('after', TUF_EXIT_HELP);
  examples(command, ['signet tuf init ./root.json --metadata-dir ./tuf-metadata']);
  command.action(async (rootFile: string, options: TufInitOptions) =>
    runTufAction(cli, async () => {
      const { tufInit } = await import('../../../tuf-client/tuf-init.js');
      const result = await tufInit(rootFile, options.metadataDir, cli.io.cwd);
      cli.print(options, result, () => [
        `${result.installed ? 'Trusting' : 'Already trusting'} root v${result.version} (expires ${result.expires}) in ${result.metadataDir}`,
      ]);
    }),
  );
}
