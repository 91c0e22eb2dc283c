// `signet list [name-prefix]`: what a trust repository signs.

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../runtime.js';
import { printable } from '../printable.js';
import { examples, fileNameOptionsFrom, withFileNameOptions, withOutputOptions } from '../options.js';
import { withRepositoryOptions } from '../repository-options.js';

interface ListCommandOptions extends CommonOptions {
  trustRepo?: string;
  root?: string;
  image?: string;
  targetName?: string;
  filePrefix?: string;
}

export function registerList(program: Command, cli: CliRuntime): void {
  const command = program
    .command('list')
    .description('list signed targets (image tags and digests, files), with the role that signs each')
    .argument('[prefix]', 'only targets whose name starts with this, e.g. "team/app:" (a registry host in front is ignored), "files/", or file:<path> for that file\'s target', '');
  withFileNameOptions(withRepositoryOptions(withOutputOptions(command)));
  examples(command, ['signet list                       # everything in the trust repository (when the policy names only one)', 'signet list app', 'signet list registry.example.com/team/app:          # also fills a policy store oci://{registry}/{repository}', 'signet list --image registry.example.com/team/app --json', 'signet list files/', 'signet list file:./dist/app.tar.gz', 'signet list --trust-repo ./trust --root ./root.json --json']);
  command.action(async (prefix: string, options: ListCommandOptions) => {
    const { listSigned } = await import('../../workflows/list.js');
    const listOptions: Parameters<typeof listSigned>[1] = {};
    if (options.trustRepo) listOptions.trustRepo = options.trustRepo;
    if (options.root) listOptions.root = options.root;
    if (options.image) listOptions.image = options.image;
    const ctx = await cli.storeContext(options);
    let namePrefix: string;
    if (prefix.startsWith('file:')) {
      const { parseFileReference } = await import('../../files/file-reference.js');
      namePrefix = parseFileReference(prefix, { cwd: ctx.cwd, ...fileNameOptionsFrom(options) }).name;
    } else {
      const { withoutRegistryHost } = await import('../../registry/reference.js');
      namePrefix = withoutRegistryHost(prefix);
      // `host/team/app:` names the image too: it fills a policy store template oci://{registry}/{repository}.
      const repository = prefix.replace(/[:@][^/]*$/, '');
      if (!listOptions.image && namePrefix !== prefix && /^[^/]+\/[a-z0-9._/-]*[a-z0-9]$/.test(repository)) listOptions.image = repository;
    }
    const report = await listSigned(namePrefix, listOptions, ctx);
    for (const role of report.expired) ctx.log(`warning: ${role} has expired; verification will fail until it is re-signed`);
    cli.print(options, report, () =>
      report.targets.length === 0 ? [`nothing signed${prefix ? ` matching "${printable(prefix)}"` : ''} in ${report.trustRepository}`] : report.targets.map((t) => `${printable(t.name)}\t${t.digest}\t${t.length}\t${printable(t.role)}${t.kind === 'file' ? '\tfile' : ''}`),
    );
  });
}
