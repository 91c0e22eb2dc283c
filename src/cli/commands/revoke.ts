// `signet revoke <image-ref>... | --digest sha256:…`: stop images verifying.

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../runtime.js';
import { printable } from '../printable.js';
import { examples, fileNameOptionsFrom, withFileNameOptions, withNameOption, withOutputOptions, withPassphraseOptions } from '../options.js';
import { collect, repositoryOptions, withRepositoryOptions, type RepositoryFlags } from '../repository-options.js';

interface RevokeCommandOptions extends CommonOptions, RepositoryFlags {
  digest?: string[];
  reason?: string;
  name?: string;
  targetName?: string;
  filePrefix?: string;
}

export function registerRevoke(program: Command, cli: CliRuntime): void {
  const command = program
    .command('revoke')
    .description('remove signed tags, or every target pointing at a digest, and publish once; verify then refuses them (exit 1)')
    .argument('[name-or-ref...]', 'a name as `signet list` prints it (NAME:TAG: its tag target, and the digest target if no other tag uses it; NAME@sha256:…; a file target), an image reference, or file:<path> (its file target; the file need not exist)')
    .option('--digest <sha256:hex>', 'revoke every target pointing at this digest, whatever its name or tag (repeatable)', collect)
    .option('--reason <text>', 'recorded in the signed metadata and shown by verify');
  withFileNameOptions(withNameOption(withPassphraseOptions(withRepositoryOptions(withOutputOptions(command)))));
  examples(command, [
    'signet revoke app:1.2.3                      # a target name exactly as `signet list` prints it',
    'signet revoke docker.io/library/app:1.2.3    # with a host: always an image reference (target library/app:1.2.3)',
    'signet revoke oci-layout:./build/app:1.2.3',
    'signet revoke registry.example.com/team/app:1.2.3 --reason "CVE-2026-1234"',
    'signet revoke --digest sha256:3f2a…   # in every trust repository of the policy that signs it',
    'signet revoke file:./dist/app-1.2.3.tar.gz --reason "rebuilt"   # the file target files/app-1.2.3.tar.gz',
    'signet revoke file:app.tar.gz --target-name releases/app-1.2.3.tar.gz',
  ]);
  command.action(async (refs: string[], options: RevokeCommandOptions) => {
    const { revokeImages } = await import('../../workflows/revoke.js');
    const revokeOptions: Parameters<typeof revokeImages>[1] = repositoryOptions(options);
    if (options.digest) revokeOptions.digests = options.digest;
    if (options.reason) revokeOptions.reason = options.reason;
    if (options.name) revokeOptions.name = options.name;
    Object.assign(revokeOptions, fileNameOptionsFrom(options));
    const reports = await revokeImages(refs, revokeOptions, await cli.storeContext(options));
    cli.print(options, { revoked: reports }, () =>
      reports.flatMap((r) => r.revoked.map((t) => `revoked ${printable(t.target)} ${t.digest} (${printable(t.role)}) in ${r.trustRepository}`)),
    );
  });
}
