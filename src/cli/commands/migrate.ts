// `signet migrate notary <gun>`: carry a Notary v1 / Docker Content Trust
// collection's trusted tags into a signet trust repository.

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../runtime.js';
import { printable } from '../printable.js';
import { examples, withOutputOptions, withPassphraseOptions, withTrustOptions } from '../options.js';
import { EXIT } from '../../errors.js';
import { registryOptionsFrom, withRegistryOptions, type RegistryCommandOptions } from '../registry-options.js';
import { notarySourceOptions, withNotaryOptions, type NotaryCommandOptions } from '../notary-options.js';

interface MigrateNotaryCommandOptions extends CommonOptions, NotaryCommandOptions, RegistryCommandOptions {
  server?: string;
  to?: string;
  trustRepo?: string;
  root?: string;
  name?: string;
  dryRun?: boolean;
  checkImage?: string;
  role?: string;
  allRoles?: boolean;
}

export function registerMigrate(program: Command, cli: CliRuntime): void {
  const migrate = program.command('migrate').description('bring signatures from another system into signet');
  const command = migrate
    .command('notary')
    .description('verify a Notary v1 / Docker Content Trust collection, then sign its trusted tags into a signet trust repository')
    .argument('<gun>', 'the collection, e.g. docker.io/library/app or registry.example.com/team/app')
    .option('--server <url>', 'notary-server URL, e.g. https://notary.docker.io')
    .option('--to <trust-repository>', 'the signet trust repository to import into (same as --trust-repo; default: the trust policy entry covering the image)')
    .option('--name <repository>', 'repository name in target names (default: the GUN without its registry host)')
    .option('--check-image <ref>', 'compare each tag with the image <ref>:<tag> now; changed or missing tags are not imported')
    .option('--role <name>', 'sign into this delegated role instead of targets')
    .option('--all-roles', 'also import tags signed only by delegations other than targets/releases (docker pull ignores those)')
    .option('--dry-run', 'print the plan; change nothing');
  withRegistryOptions(withPassphraseOptions(withNotaryOptions(withTrustOptions(withOutputOptions(command)))));
  command.addHelpText('after', '\nExit codes: 0 every trusted tag imported (or planned); 1 the collection did not verify, or some tags were refused (their image changed); 2 usage; 3 unreachable.');
  examples(command, [
    'signet migrate notary docker.io/acme/app --server https://notary.docker.io --root-key-id <id> --to ./trust --dry-run',
    'signet migrate notary registry.example.com/team/app --trust-dir ~/.docker/trust --root-cert root.crt --to ./trust --root ./root.json',
    'signet migrate notary 127.0.0.1:5000/team/app --server https://127.0.0.1:4443 --tls-ca ca.crt --root-key-id <id> --check-image oci-layout:./app',
  ]);
  command.action(async (gun: string, options: MigrateNotaryCommandOptions) => {
    const { migrateNotary } = await import('../../workflows/migrate-notary.js');
    const migrateOptions: Parameters<typeof migrateNotary>[1] = notarySourceOptions(options, options.server, cli.io);
    const trustRepo = options.to ?? options.trustRepo;
    if (trustRepo) migrateOptions.trustRepo = trustRepo;
    if (options.root) migrateOptions.root = options.root;
    if (options.name) migrateOptions.name = options.name;
    if (options.checkImage) migrateOptions.checkImage = options.checkImage;
    if (options.role) migrateOptions.role = options.role;
    if (options.allRoles) migrateOptions.allRoles = true;
    if (options.dryRun) migrateOptions.dryRun = true;
    const ctx = cli.context(options);
    // Registry settings: --check-image with a registry reference, and credentials for the Notary token realm.
    ctx.registry = await registryOptionsFrom(cli.io, options);
    const report = await migrateNotary(gun, migrateOptions, ctx);
    const { plan } = report;
    for (const item of plan.items) if (item.status !== 'import') cli.io.err(`not imported: ${printable(`${plan.name}:${item.tag}: ${item.detail ?? item.status}`)}\n`);
    for (const ignored of plan.ignored) cli.io.err(`ignored: ${printable(`${JSON.stringify(ignored.tag)} in ${ignored.role}: ${ignored.reason}`)}\n`);
    // A tag whose image changed since Notary signed it failed verification: say so in the exit code.
    if (plan.items.some((i) => i.status !== 'import')) cli.exitCode = EXIT.invalid;
    cli.print(options, report, () => {
      const lines = plan.items.map(
        (i) => `${i.status === 'import' ? (report.dryRun ? 'would import' : 'imported') : 'refused'}\t${printable(`${plan.name}:${i.tag}`)}\t${i.digest}\t${i.size}\t${printable(i.role)}`,
      );
      lines.push(`registry check: ${plan.registryCheck}`);
      if (report.result) lines.push(`${report.result.imported.length} target(s) signed into ${report.trustRepository}`);
      return lines;
    });
  });
}
