// `signet pull <image-ref> --to <dir>`: verify, then copy into an OCI layout.

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../runtime.js';
import { examples, withOutputOptions, withTrustOptions } from '../options.js';
import { withRegistryOptions, type RegistryCommandOptions } from '../registry-options.js';

interface PullCommandOptions extends CommonOptions, RegistryCommandOptions {
  trustRepo?: string;
  root?: string;
  to: string;
  bundle?: string;
}

export function registerPull(program: Command, cli: CliRuntime): void {
  const command = program
    .command('pull')
    .description('verify a registry image, then copy it into an OCI image layout, checking every blob digest and size')
    .argument('<image-ref>', 'a registry reference, e.g. registry.example.com/team/app:1.2.3')
    .requiredOption('--to <dir>', 'OCI image layout to write (created; or an existing layout to add to)')
    .option('--bundle <dir|file.tar>', 'air-gapped: take the image and its trust metadata from a bundle made with `signet bundle create --with-images`; IMAGE-REF is the signed name (team/app:1.2.3); no network');
  withRegistryOptions(withTrustOptions(withOutputOptions(command)));
  examples(command, [
    'signet pull registry.example.com/team/app:1.2.3 --to ./app-layout',
    'signet pull 127.0.0.1:5000/team/app:1.2.3 --to ./app-layout --trust-repo ./trust --root ./root.json --json',
    'signet pull team/app:1.2.3 --bundle /media/usb/release.tar --root ./root.json --to ./app-layout   # air-gapped',
  ]);
  command.action(async (ref: string, options: PullCommandOptions) => {
    const { pullVerifiedImage } = await import('../../workflows/pull.js');
    const pullOptions: Parameters<typeof pullVerifiedImage>[1] = { to: options.to };
    if (options.trustRepo) pullOptions.trustRepo = options.trustRepo;
    if (options.root) pullOptions.root = options.root;
    if (options.bundle) pullOptions.bundle = options.bundle;
    const ctx = await cli.storeContext(options);
    const report = await pullVerifiedImage(ref, pullOptions, ctx);
    ctx.log(`pulled into ${report.dir}: ${report.manifests} manifest(s), ${report.blobs} blob(s), ${report.bytes} bytes downloaded`);
    cli.print(options, report, () => [report.verified]);
  });
}
