// `signet bundle create`: everything an air-gapped machine needs to verify
// chosen images and files, in one directory or tar file.

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../runtime.js';
import { withRegistryOptions, type RegistryCommandOptions } from '../registry-options.js';
import { examples, fileNameOptionsFrom, withFileNameOptions, withNameOption, withOutputOptions, withTrustOptions } from '../options.js';

interface BundleCreateFlags extends CommonOptions, RegistryCommandOptions {
  out: string;
  withImages?: boolean;
  trustRepo?: string;
  root?: string;
  name?: string;
  targetName?: string;
  filePrefix?: string;
}

export function registerBundle(program: Command, cli: CliRuntime): void {
  const group = program.command('bundle').description('carry verification across an air gap: trust metadata (and images) for chosen images and files, in one directory or tar');
  examples(group, [
    'signet bundle create --out release-1.2.3.tar registry.example.com/team/app:1.2.3 file:./dist/app-1.2.3.tar.gz',
    'signet verify --bundle release-1.2.3.tar --root ./root.json registry.example.com/team/app:1.2.3 file:./app-1.2.3.tar.gz   # on the air-gapped side',
  ]);
  const create = group
    .command('create')
    .description('verify each image and file against its trust repository, then pack the metadata a verifier starting from the pinned root needs (all root versions, timestamp, snapshot, targets, the delegations and bins on the way)')
    .argument('<ref...>', 'oci-layout:<dir>[:<tag>], a registry reference, or file:<path>')
    .requiredOption('--out <dir|file.tar>', 'a new directory, or a ustar file when it ends in .tar')
    .option('--with-images', 'also pack the images as OCI image layouts (registry images are pulled, every blob checked)');
  withRegistryOptions(withFileNameOptions(withNameOption(withTrustOptions(withOutputOptions(create)))));
  create.addHelpText('after', '\nA bundle is fresh until its timestamp metadata expires (printed here; 1 day by default): make a new bundle before then. On the air-gapped side, `signet verify --bundle PATH` (or a trust policy store `bundle:PATH`) needs no network, and refuses a bundle older than one it has already seen.');
  examples(create, [
    'signet bundle create --out ./bundle registry.example.com/team/app:1.2.3',
    'signet bundle create --out release.tar --with-images registry.example.com/team/app:1.2.3 file:./dist/app.tar.gz file:./dist/sbom.spdx.json',
    'signet bundle create --out release.tar oci-layout:./build/app:1.2.3 --trust-repo ./trust --root ./root.json --json',
  ]);
  create.action(async (refs: string[], options: BundleCreateFlags) => {
    const { createBundle } = await import('../../workflows/bundle-create.js');
    const bundleOptions: Parameters<typeof createBundle>[1] = { out: options.out, ...fileNameOptionsFrom(options) };
    if (options.withImages) bundleOptions.withImages = true;
    if (options.trustRepo) bundleOptions.trustRepo = options.trustRepo;
    if (options.root) bundleOptions.root = options.root;
    if (options.name) bundleOptions.name = options.name;
    const ctx = await cli.storeContext(options);
    const report = await createBundle(refs, bundleOptions, ctx);
    cli.print(options, report, () => [
      `wrote ${report.format} bundle ${report.out}`,
      ...report.repositories.map((r) => `  ${r.dir}: ${r.files} metadata files from ${r.source} for ${r.names.join(', ')}; fresh until ${r.timestampExpires}`),
      ...report.images.map((i) => `  image ${i}`),
    ]);
  });
}
