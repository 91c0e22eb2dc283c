// `signet root publish FILE --trust-repo LOCATION`: a ceremony root goes live.

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../../runtime.js';
import { examples, withOutputOptions, withPassphraseOptions } from '../../options.js';
import { withRegistryOptions, type RegistryCommandOptions } from '../../registry-options.js';

interface PublishOptions extends CommonOptions, RegistryCommandOptions {
  trustRepo: string;
  root?: string;
}

export function registerRootPublish(root: Command, cli: CliRuntime): void {
  const command = root
    .command('publish')
    .description('publish a signed root into a trust repository (re-signs snapshot and timestamp with the online keys); a first root starts one with `signet init --root-file`')
    .argument('<file>', 'the signed root (version N+1 of the published root)')
    .requiredOption('--trust-repo <location>', 'the trust repository')
    .option('--root <file>', 'pinned root to load the repository from (default: the policy entry for that store)');
  withRegistryOptions(withPassphraseOptions(withOutputOptions(command)));
  examples(command, [
    'signet root verify root-v2.json --previous root-v1.json && signet root publish root-v2.json --trust-repo /srv/trust',
    'signet init /srv/trust --root-file root-v1.json --scope "acme/**"   # the first root',
  ]);
  command.action(async (file: string, options: PublishOptions) => {
    const { publishSignedRoot } = await import('../../../workflows/root-publish.js');
    const ctx = await cli.storeContext(options);
    const publishOptions: Parameters<typeof publishSignedRoot>[1] = { trustRepo: options.trustRepo };
    if (options.root) publishOptions.root = options.root;
    const result = await publishSignedRoot(file, publishOptions, ctx);
    cli.print(options, result, () => [
      result.published ? `Published root v${result.version} to ${result.location} (re-signed ${result.resigned.join(', ')})` : `${result.location} already has this root v${result.version}; nothing to do`,
    ]);
  });
}
