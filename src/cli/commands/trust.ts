// `signet trust add|list|remove`: set up a deploy machine that only verifies —
// which trust repository covers which images, and the pinned root to start from.

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../runtime.js';
import { examples, withOutputOptions } from '../options.js';

interface AddFlags extends CommonOptions {
  scope: string;
  store: string;
  root: string;
}

export function registerTrust(program: Command, cli: CliRuntime): void {
  const group = program.command('trust').description('set up a verifier: which trust repository covers which images, from a pinned root file');
  examples(group, [
    "signet trust add --scope 'team/*' --store 'oci://{registry}/{repository}' --root ./team-root.json",
    'signet trust list --json',
    "signet trust remove 'team/*'",
  ]);

  const add = group
    .command('add')
    .description('add (or replace, for the same scope) a trust entry; the root file is checked, copied into $SIGNET_HOME/roots and its fingerprints printed')
    .requiredOption('--scope <glob>', "repository names it covers: '*' within a path segment, '**' across (e.g. 'team/*')")
    .requiredOption('--store <location>', "where the trust metadata is: a directory, http(s)://…, oci://host[:port]/repository, or 'oci://{registry}/{repository}' (next to each image)")
    .requiredOption('--root <file>', 'the root.json the repository owner handed over (not a symlink); pinned: nothing verifies without it')
    .option('--policy <file>', 'trust policy file (default: $SIGNET_HOME/policy.json)');
  withOutputOptions(add);
  examples(add, [
    "signet trust add --scope 'team/*' --store 'oci://{registry}/{repository}' --root ./team-root.json",
    "signet trust add --scope 'acme/**' --store https://trust.acme.example/ --root ./acme-root.json --json",
    "signet trust add --scope 'signet-sample/*' --store fixtures/sample-trust --root keys/sample-root.json",
  ]);
  add.action(async (options: AddFlags) => {
    const { addTrustEntry } = await import('../../workflows/trust-entries.js');
    const result = await addTrustEntry({ scope: options.scope, store: options.store, rootFile: options.root }, cli.context(options));
    const r = result.root;
    cli.print(options, result, () => [
      `${result.replaced ? 'replaced' : 'added'} trust for ${result.scope}: ${result.store}`,
      `pinned root v${r.version}, expires ${r.expires}${r.expired ? ' (EXPIRED: verification needs a newer root from the store)' : ''}, at ${r.path}`,
      `  sha256 ${r.sha256}`,
      `root keys (threshold ${r.threshold}); compare these fingerprints with the repository owner's:`,
      ...r.keys.map((k) => `  ${k.fingerprint}`),
    ]);
  });

  const list = group.command('list').description('list trust entries in match order (the first matching scope wins), with their pinned roots').option('--policy <file>', 'trust policy file (default: $SIGNET_HOME/policy.json)');
  withOutputOptions(list);
  examples(list, ['signet trust list', 'signet trust list --json']);
  list.action(async (options: CommonOptions) => {
    const { listTrustEntries } = await import('../../workflows/trust-entries.js');
    const entries = await listTrustEntries(cli.context(options));
    cli.print(options, { trust: entries }, () =>
      entries.length === 0
        ? ["no trust entries; add one with `signet trust add --scope GLOB --store LOCATION --root ROOT.json`"]
        : entries.map((e) => `${e.scope}\t${e.store}\t${'error' in e.root ? `root ${e.root.path}: ${e.root.error}` : `root v${e.root.version} expires ${e.root.expires} (${e.root.keys.map((k) => k.fingerprint.slice(0, 19)).join(', ')})`}`),
    );
  });

  const remove = group.command('remove').description('remove the trust entry with this scope (as `signet trust list` prints it); the pinned root file stays').argument('<scope>').option('--policy <file>', 'trust policy file (default: $SIGNET_HOME/policy.json)');
  withOutputOptions(remove);
  examples(remove, ["signet trust remove 'team/*'", "signet trust remove 'signet-sample/*' --json"]);
  remove.action(async (scope: string, options: CommonOptions) => {
    const { removeTrustEntry } = await import('../../workflows/trust-entries.js');
    const removed = await removeTrustEntry(scope, cli.context(options));
    cli.print(options, { removed }, () => [`removed trust for ${removed.scope} (${removed.store})`]);
  });
}
