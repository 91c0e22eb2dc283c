// `signet delegation add|remove|list|sign|publish`: delegated targets roles
// (one per team or pipeline, with path patterns) and k-of-n signing on files.

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../runtime.js';
import { examples, withOutputOptions, withPassphraseOptions } from '../options.js';
import { collect, repositoryOptions, withRepositoryOptions, type RepositoryFlags } from '../repository-options.js';
import { shortKeyId } from '../../keys/key-id.js';
import { UsageError } from '../../errors.js';
import type { DetachedSummary } from '../../trust/detached-role.js';

interface DelegationFlags extends CommonOptions, RepositoryFlags {
  key?: string[];
  paths?: string[];
  threshold?: string;
  terminating?: boolean;
  delegator?: string;
  out?: string;
}

export function registerDelegation(program: Command, cli: CliRuntime): void {
  const group = program.command('delegation').description('delegate image names to other keys (teams, pipelines), k-of-n if needed');
  examples(group, [
    "signet delegation add app-ci --key ./ci.pub.json --paths 'team/app:*'",
    "signet delegation add release --key KEYID1 --key KEYID2 --threshold 2 --paths 'team/*' --terminating",
    'signet sign --role release --detached release.json oci-layout:./build/app:1.0   # first holder',
    'signet delegation sign release.json                                            # second holder',
    'signet delegation publish release.json',
  ]);

  const add = group
    .command('add')
    .description('delegate names matching --paths to the given keys; `NAME:*` patterns also cover NAME@sha256:*')
    .argument('<name>', 'delegated role name')
    .option('--key <keyid|pubfile>', 'a key id from this keystore or a public key file (repeatable)', collect)
    .option('--paths <pattern>', "target name pattern, '*' within one path segment, e.g. 'team/app:*' (repeatable)", collect)
    .option('--threshold <k>', 'signatures required (default 1)')
    .option('--terminating', 'names matching the paths are never looked up in later delegations')
    .option('--delegator <role>', 'delegating role (default targets)');
  withPassphraseOptions(withRepositoryOptions(withOutputOptions(add)));
  examples(add, [
    "signet delegation add app-ci --key ./ci.pub.json --paths 'team/app:*'         # one pipeline key, one image",
    "signet delegation add release --key KEYID1 --key KEYID2 --threshold 2 --paths 'team/*' --terminating",
    "signet delegation add app-ci --key ./ci.pub.json --paths 'team/app:*' --image team/app --json",
  ]);
  add.action(async (name: string, options: DelegationFlags) => {
    const { addDelegationWorkflow } = await import('../../workflows/delegation.js');
    if (!options.paths?.length) throw new UsageError('no-paths', 'give at least one --paths pattern');
    const addOptions: Parameters<typeof addDelegationWorkflow>[1] = { ...repositoryOptions(options), keys: options.key ?? [], paths: options.paths };
    if (options.threshold !== undefined) addOptions.threshold = parseThreshold(options.threshold);
    if (options.terminating) addOptions.terminating = true;
    if (options.delegator) addOptions.delegator = options.delegator;
    const result = await addDelegationWorkflow(name, addOptions, await cli.storeContext(options));
    const d = result.delegation;
    cli.print(options, result, () => [
      `delegated ${d.paths.join(', ')} to ${d.name} (${d.threshold} of ${d.keyIds.map(shortKeyId).join(', ')}${d.terminating ? ', terminating' : ''}) in ${result.trustRepository}`,
    ]);
  });

  const remove = group.command('remove').description('remove a delegation; everything it signed stops verifying').argument('<name>', 'delegated role name');
  withPassphraseOptions(withRepositoryOptions(withOutputOptions(remove)));
  examples(remove, ['signet delegation remove app-ci', 'signet delegation remove app-ci --image team/app --passphrase-file pass.txt']);
  remove.action(async (name: string, options: DelegationFlags) => {
    const { removeDelegationWorkflow } = await import('../../workflows/delegation.js');
    const result = await removeDelegationWorkflow(name, repositoryOptions(options), await cli.storeContext(options));
    cli.print(options, result, () => [`removed delegation ${name} (${result.removed.targets} target(s) no longer verify) from ${result.trustRepository}`]);
  });

  const list = group.command('list').description('delegated roles: paths, keys, threshold, version');
  withRepositoryOptions(withOutputOptions(list));
  examples(list, ['signet delegation list', 'signet delegation list --image team/app --json']);
  list.action(async (options: DelegationFlags) => {
    const { listDelegationsWorkflow } = await import('../../workflows/delegation.js');
    const result = await listDelegationsWorkflow(repositoryOptions(options), await cli.storeContext(options));
    cli.print(options, result, () =>
      result.delegations.map((d) => [d.name, d.paths.join(','), `${d.threshold}/${d.keyIds.length}`, d.keyIds.map(shortKeyId).join(','), `v${d.version}`, `${d.targets} targets`, d.terminating ? 'terminating' : ''].join('\t').trimEnd()),
    );
  });

  const sign = group.command('sign').description('add this machine\'s signature to a detached role file (from `sign --role R --detached FILE`)').argument('<file>', 'detached role file').option('--out <file>', 'write the signed file here instead of in place');
  withPassphraseOptions(withRepositoryOptions(withOutputOptions(sign)));
  examples(sign, [
    'signet sign --role release --detached release.json oci-layout:./build/app:1.0   # first holder writes the file',
    'signet delegation sign release.json                                            # each further holder',
    'signet delegation sign release.json --out release-signed.json',
  ]);
  sign.action(async (file: string, options: DelegationFlags) => {
    const { signDelegationFile } = await import('../../workflows/delegation.js');
    const result = await signDelegationFile(file, { ...repositoryOptions(options), ...(options.out ? { out: options.out } : {}) }, await cli.storeContext(options));
    cli.print(options, result, () => [...describeFile(result), result.signatures.met ? `publish it with: signet delegation publish ${result.file}` : `needs more signatures: signet delegation sign ${result.file}`]);
  });

  const show = group.command('show').description('what a detached role file changes and who signed it').argument('<file>', 'detached role file');
  withRepositoryOptions(withOutputOptions(show));
  examples(show, ['signet delegation show release.json', 'signet delegation show release.json --json']);
  show.action(async (file: string, options: DelegationFlags) => {
    const { inspectDelegationFile } = await import('../../workflows/delegation.js');
    const result = await inspectDelegationFile(file, repositoryOptions(options), await cli.storeContext(options));
    cli.print(options, result, () => describeFile(result));
  });

  const publish = group.command('publish').description('publish a detached role file once enough holders signed it').argument('<file>', 'detached role file');
  withPassphraseOptions(withRepositoryOptions(withOutputOptions(publish)));
  examples(publish, ['signet delegation publish release.json', 'SIGNET_PASSPHRASE_SNAPSHOT=… SIGNET_PASSPHRASE_TIMESTAMP=… signet delegation publish release.json']);
  publish.action(async (file: string, options: DelegationFlags) => {
    const { publishDelegationFile } = await import('../../workflows/delegation.js');
    const result = await publishDelegationFile(file, repositoryOptions(options), await cli.storeContext(options));
    cli.print(options, result, () => [`published ${result.role} v${result.version} in ${result.trustRepository}`, ...describeFile(result).slice(1)]);
  });
}

function describeFile(s: DetachedSummary): string[] {
  return [
    `${s.role} v${s.version}: signed by ${s.signatures.valid.length}/${s.signatures.threshold} (${s.signatures.valid.map(shortKeyId).join(', ') || 'nobody'})`,
    ...s.added.map((t) => `  + ${t}`),
    ...s.removed.map((t) => `  - ${t}`),
  ];
}

function parseThreshold(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError('bad-threshold', `--threshold must be a positive integer, got ${JSON.stringify(text)}`);
  return n;
}
