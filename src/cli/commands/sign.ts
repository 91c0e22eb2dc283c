// `signet sign <image-ref>...`: sign images into their trust repository.

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../runtime.js';
import { UsageError } from '../../errors.js';
import { withRegistryOptions, type RegistryCommandOptions } from '../registry-options.js';
import { examples, withNameOption, withOutputOptions, withPassphraseOptions, withTrustOptions } from '../options.js';

interface SignCommandOptions extends CommonOptions, RegistryCommandOptions {
  trustRepo?: string;
  root?: string;
  name?: string;
  role?: string;
  allTags?: boolean;
  detached?: string;
}

export function registerSign(program: Command, cli: CliRuntime): void {
  const command = program
    .command('sign')
    .description('resolve each image to its manifest digest and sign it (tag and digest targets), publishing once')
    .argument('<image-ref...>', 'oci-layout:<dir>[:<tag>] or a registry reference')
    .option('--role <name>', 'sign into this delegated role instead of targets')
    .option('--all-tags', 'sign every tag of each referenced repository')
    .option('--detached <file>', 'with --role: write the next version of the role, signed by this machine, to FILE instead of publishing (k-of-n signing; see `signet delegation sign`)');
  withRegistryOptions(withNameOption(withPassphraseOptions(withTrustOptions(withOutputOptions(command)))));
  examples(command, [
    'signet sign oci-layout:./build/app:1.2.3',
    'signet sign oci-layout:./build/app:1.2.3 oci-layout:./build/app:latest --trust-repo ./trust --root ./root.json',
    'signet sign --all-tags oci-layout:./build/app',
    'signet sign registry.example.com/team/app:1.2.3 registry.example.com/team/app:latest',
    'signet sign --all-tags 127.0.0.1:5000/team/app',
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
    const ctx = await cli.storeContext(options);
    const results = await signImages(refs, signOptions, ctx);
    cli.print(options, { signed: results }, () =>
      results.map((r) => `signed ${r.tag ? `${r.name}:${r.tag}` : r.name} ${r.digest} (${r.targets.length} target${r.targets.length === 1 ? '' : 's'}) in ${r.trustRepository}`),
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
