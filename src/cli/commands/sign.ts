// `signet sign <image-ref>...`: sign images into their trust repository.

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../runtime.js';
import { registryOptionsFrom, withRegistryOptions, type RegistryCommandOptions } from '../registry-options.js';
import { examples, withNameOption, withOutputOptions, withPassphraseOptions, withTrustOptions } from '../options.js';

interface SignCommandOptions extends CommonOptions, RegistryCommandOptions {
  trustRepo?: string;
  root?: string;
  name?: string;
  role?: string;
  allTags?: boolean;
}

export function registerSign(program: Command, cli: CliRuntime): void {
  const command = program
    .command('sign')
    .description('resolve each image to its manifest digest and sign it (tag and digest targets), publishing once')
    .argument('<image-ref...>', 'oci-layout:<dir>[:<tag>] or a registry reference')
    .option('--role <name>', 'sign into this delegated role instead of targets')
    .option('--all-tags', 'sign every tag of each referenced repository');
  withRegistryOptions(withNameOption(withPassphraseOptions(withTrustOptions(withOutputOptions(command)))));
  examples(command, [
    'signet sign oci-layout:./build/app:1.2.3',
    'signet sign oci-layout:./build/app:1.2.3 oci-layout:./build/app:latest --trust-repo ./trust --root ./root.json',
    'signet sign --all-tags oci-layout:./build/app',
    'signet sign registry.example.com/team/app:1.2.3 registry.example.com/team/app:latest',
    'signet sign --all-tags 127.0.0.1:5000/team/app',
  ]);
  command.action(async (refs: string[], options: SignCommandOptions) => {
    const { signImages } = await import('../../workflows/sign.js');
    const signOptions: Parameters<typeof signImages>[1] = {};
    if (options.trustRepo) signOptions.trustRepo = options.trustRepo;
    if (options.root) signOptions.root = options.root;
    if (options.name) signOptions.name = options.name;
    if (options.role) signOptions.role = options.role;
    if (options.allTags) signOptions.allTags = true;
    const ctx = cli.context(options);
    ctx.registry = await registryOptionsFrom(cli.io, options);
    const results = await signImages(refs, signOptions, ctx);
    cli.print(options, { signed: results }, () =>
      results.map((r) => `signed ${r.tag ? `${r.name}:${r.tag}` : r.name} ${r.digest} (${r.targets.length} target${r.targets.length === 1 ? '' : 's'}) in ${r.trustRepository}`),
    );
  });
}
