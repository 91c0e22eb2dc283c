// Option groups shared by several commands, defined once.

import { Option, type Command } from 'commander';
import { withRegistryOptions } from './registry-options.js';

export function withOutputOptions(command: Command): Command {
  return command.option('--json', 'print the result as JSON on stdout');
}

/** Which trust repository to use; it may live in a registry, so the registry options come along. */
export function withTrustOptions(command: Command): Command {
  command
    .option('--trust-repo <location>', 'trust repository: a directory (default store), or oci://host[:port]/repository')
    .option('--root <file>', 'pinned root metadata to start trusting from (overrides the policy)')
    .option('--policy <file>', 'trust policy file (default: $SIGNET_HOME/policy.json)');
  return withRegistryOptions(command);
}

export function withPassphraseOptions(command: Command): Command {
  return command
    .option('--passphrase-file <file>', 'read key passphrases from this file')
    .option('--passphrase-stdin', 'read the key passphrase from standard input')
    .addHelpText('after', '\nPassphrases: --passphrase-file, $SIGNET_PASSPHRASE_<ROLE> (e.g. SIGNET_PASSPHRASE_TARGETS), $SIGNET_PASSPHRASE, --passphrase-stdin, or a terminal prompt.\nToken PINs (pkcs11: keys): the URI\'s pin-source=FILE, $SIGNET_PKCS11_PIN, or a terminal prompt.');
}

export function withNameOption(command: Command): Command {
  return command.addOption(new Option('--name <repository>', 'repository name for oci-layout: references (default: the directory name); for registry references, the name the image was signed under (verify a copy in another repository)'));
}

/** How `file:` references are named as targets (see files/file-reference.ts). */
export function withFileNameOptions(command: Command): Command {
  return command
    .option('--target-name <name>', 'the target name of the one file: reference (default: files/<basename>)')
    .option('--file-prefix <prefix>', 'prefix of the target names of file: references (default: files/); e.g. files/team/ for a delegation scoped to files/team/*');
}

/** The file naming flags as workflow options. */
export function fileNameOptionsFrom(options: { targetName?: string; filePrefix?: string }): { targetName?: string; filePrefix?: string } {
  const out: { targetName?: string; filePrefix?: string } = {};
  if (options.targetName !== undefined) out.targetName = options.targetName;
  if (options.filePrefix !== undefined) out.filePrefix = options.filePrefix;
  return out;
}

/** Attach worked examples to a command's help. */
export function examples(command: Command, lines: string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
}
