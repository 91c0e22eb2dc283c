// `signet copy <src-ref> <dst-ref> [--with-trust]`: copy an image and, when asked, its trust repository.

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../runtime.js';
import { examples, withOutputOptions, withTrustOptions } from '../options.js';
import { withRegistryOptions, type RegistryCommandOptions } from '../registry-options.js';

interface CopyCommandOptions extends CommonOptions, RegistryCommandOptions {
  trustRepo?: string;
  root?: string;
  withTrust?: boolean;
  trustTo?: string;
}

export function registerCopy(program: Command, cli: CliRuntime): void {
  const command = program
    .command('copy')
    .description('copy an image (all platforms, every digest checked) to another repository or registry, with its trust repository when asked')
    .argument('<src-ref>', 'registry reference to copy, e.g. registry.example.com/team/app:1.2.3')
    .argument('<dst-ref>', 'where to copy it, e.g. mirror.example.com/team/app (keeps the tag unless one is given)')
    .option('--with-trust', 'also copy the trust repository (signatures survive the move; target names carry no host)')
    .option('--trust-to <location>', 'where the trust copy goes (default: next to the copied image, when the source trust repository is next to the source image)');
  withRegistryOptions(withTrustOptions(withOutputOptions(command)));
  examples(command, [
    'signet copy 127.0.0.1:5000/team/app:1.0 127.0.0.1:5000/mirror/app --with-trust',
    'signet copy 127.0.0.1:5000/team/app:1.0 127.0.0.1:5000/backup/app:1.0 --with-trust --trust-to oci://127.0.0.1:5000/backup/app',
    'signet verify 127.0.0.1:5000/mirror/app:1.0 --name team/app --trust-repo oci://127.0.0.1:5000/mirror/app --root ./root.json',
  ]);
  command.action(async (src: string, dst: string, options: CopyCommandOptions) => {
    const { copyWithTrust } = await import('../../workflows/copy.js');
    const copyOptions: Parameters<typeof copyWithTrust>[2] = {};
    if (options.trustRepo) copyOptions.trustRepo = options.trustRepo;
    if (options.root) copyOptions.root = options.root;
    if (options.withTrust) copyOptions.withTrust = true;
    if (options.trustTo) copyOptions.trustTo = options.trustTo;
    const ctx = await cli.storeContext(options);
    const report = await copyWithTrust(src, dst, copyOptions, ctx);
    cli.print(options, report, () => [`${report.destination}@${report.digest}`, ...(report.trust ? [`trust ${report.trust.to}`] : [])]);
  });
}
