// `signet sign <ref>...`: sign images and files into their trust repository.

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../runtime.js';
import { UsageError } from '../../errors.js';
import { withRegistryOptions, type RegistryCommandOptions } from '../registry-options.js';
import { examples, fileNameOptionsFrom, withFileNameOptions, withNameOption, withOutputOptions, withPassphraseOptions, withTrustOptions } from '../options.js';

interface SignCommandOptions extends CommonOptions, RegistryCommandOptions {
  trustRepo?: string;
  root?: string;
  name?: string;
  role?: string;
  allTags?: boolean;
  detached?: string;
  targetName?: string;
  filePrefix?: string;
  sha512?: boolean;
}

export function registerSign(program: Command, cli: CliRuntime): void {
  const command = program
    .command('sign')
    .description('resolve each image to its manifest digest and sign it (tag and digest targets), hash each file and sign it, publishing once')
    .argument('<ref...>', 'oci-layout:<dir>[:<tag>], a registry reference, or file:<path> (signed as files/<basename>)')
    .option('--role <name>', 'sign into this delegated role instead of targets')
    .option('--all-tags', 'sign every tag of each referenced repository')
    .option('--sha512', 'sign file: targets with sha512 beside sha256')
    .option('--detached <file>', 'with --role: write the next version of the role, signed by this machine, to FILE instead of publishing (k-of-n signing; see `signet delegation sign`)');
  withRegistryOptions(withFileNameOptions(withNameOption(withPassphraseOptions(withTrustOptions(withOutputOptions(command))))));
  examples(command, [
    'signet sign oci-layout:./build/app:1.2.3',
    'signet sign oci-layout:./build/app:1.2.3 oci-layout:./build/app:latest --trust-repo ./trust --root ./root.json',
    'signet sign --all-tags oci-layout:./build/app',
    'signet sign registry.example.com/team/app:1.2.3 registry.example.com/team/app:latest',
    'signet sign --all-tags 127.0.0.1:5000/team/app',
    'signet sign registry.example.com/team/app:1.2.3 file:./dist/app-1.2.3.tar.gz file:./dist/sbom.spdx.json   # one release, one publish',
    'signet sign file:./dist/app.tar.gz --target-name releases/app-1.2.3.tar.gz --sha512',
    'signet sign file:./dist/app.tar.gz --file-prefix files/team/ --role team   # a delegation scoped to files/team/*',
  ]);
  command.action(async (refs: string[], options: SignCommandOptions) => {
    if (options.detached) return signDetachedCommand(cli, refs, options);
    const { signImages } = await import('../../workflows/sign.js');
    const signOptions: Parameters<typeof signImages>[1] = {};
    if (options.trustRepo) signOptions.trustRepo = options.trustRepo;
    if (options.root) signOptions.root = options.root;
    if (options.name) signOptions.name = options.name;
    if (options.role) signOptions.role = options.role;
    if (options.allTags) signOptions.allTags = true;
    if (options.sha512) signOptions.sha512 = true;
    Object.assign(signOptions, fileNameOptionsFrom(options));
    const ctx = await cli.storeContext(options);
    const results = await signImages(refs, signOptions, ctx);
    cli.print(options, { signed: results }, () =>
      results.map((r) =>
        r.kind === 'file'
          ? `signed file ${r.name} ${r.digest} (${r.size} bytes) in ${r.trustRepository}`
          : `signed ${r.tag ? `${r.name}:${r.tag}` : r.name} ${r.digest} (${r.targets.length} target${r.targets.length === 1 ? '' : 's'}) in ${r.trustRepository}`,
      ),
    );
  });
}

async function signDetachedCommand(cli: CliRuntime, refs: string[], options: SignCommandOptions): Promise<void> {
  if (!options.role) throw new UsageError('detached-needs-role', '--detached signs a delegated role: add --role NAME');
  const { signDetachedImages } = await import('../../workflows/sign-detached.js');
  const detachedOptions: Parameters<typeof signDetachedImages>[1] = { role: options.role, out: options.detached! };
  if (options.trustRepo) detachedOptions.trustRepo = options.trustRepo;
  if (options.root) detachedOptions.root = options.root;
  if (options.name) detachedOptions.name = options.name;
  const ctx = await cli.storeContext(options);
  const result = await signDetachedImages(refs, detachedOptions, ctx);
  cli.print(options, result, () => [
    `wrote ${result.role} v${result.version} to ${result.file}: signed by ${result.signatures.valid.length}/${result.signatures.threshold} keys`,
    ...result.added.map((t) => `  + ${t}`),
    ...result.removed.map((t) => `  - ${t}`),
    result.signatures.met ? `publish it with: signet delegation publish ${result.file}` : `next holder: signet delegation sign ${result.file}`,
  ]);
}
