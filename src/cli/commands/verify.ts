// `signet verify <ref>...`: refuse any image or file that is unsigned, tampered, stale or revoked.

import type { Command } from 'commander';
import type { CliRuntime, CommonOptions } from '../runtime.js';
import { printable } from '../printable.js';
import { withRegistryOptions, type RegistryCommandOptions } from '../registry-options.js';
import { examples, fileNameOptionsFrom, withFileNameOptions, withNameOption, withOutputOptions, withTrustOptions } from '../options.js';
import { UsageError } from '../../errors.js';
import { verifyReport, type VerifyOutcome } from '../../verify/verify-result.js';
import { notarySourceOptions, withNotaryOptions, type NotaryCommandOptions } from '../notary-options.js';

interface VerifyCommandOptions extends CommonOptions, RegistryCommandOptions, NotaryCommandOptions {
  notary?: string;
  gun?: string;
  trustRepo?: string;
  root?: string;
  name?: string;
  targetName?: string;
  filePrefix?: string;
  bundle?: string;
  file?: string[];
  pin?: boolean;
}

export function registerVerify(program: Command, cli: CliRuntime): void {
  const command = program
    .command('verify')
    .description('check images and files against signed trust metadata; prints the verified name@sha256:… to deploy')
    .argument('[ref...]', 'oci-layout:<dir>[:<tag>], a registry reference, or file:<path> (signed as files/<basename>)')
    .option('-f, --file <manifest>', 'also verify every image in this Kubernetes YAML/JSON (multi-document, Helm or Kustomize output) or Compose file (variables from the environment, then .env beside it); `-` reads stdin (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--bundle <dir|file.tar>', 'read trust metadata from this air-gap bundle (`signet bundle create`); no network is used for it; the pinned root still comes from --root or the policy')
    .option('--pin', 'with --file: when every image verified, rewrite each file with the verified name@sha256:… (only the image values change); with `-f -`, print the pinned manifest');
  withRegistryOptions(withFileNameOptions(withNameOption(withTrustOptions(withOutputOptions(command)))));
  command
    .option('--notary <server-url>', 'verify against a Notary v1 / Docker Content Trust collection on this server instead of a signet trust repository')
    .option('--gun <gun>', 'with --notary or --trust-dir: the Notary collection (default: <registry>/<repository> of the image)');
  withNotaryOptions(command);
  command.addHelpText(
    'after',
    '\nExit codes: 0 all verified; 1 verification failed (unsigned, tampered, revoked, expired, tag not in the registry); 2 usage or configuration error; 3 inconclusive (store or registry unreachable).' +
      '\nWith several references the worst news wins: 1 over 3 over 2. --json always prints one result per reference (schemaVersion, ok, exitCode, results[].error.code).',
  );
  examples(command, [
    'signet verify oci-layout:./build/app:1.2.3',
    'signet verify oci-layout:./build/app:1.2.3 --trust-repo ./trust --root ./root.json --json',
    'signet verify registry.example.com/team/app:1.2.3',
    'signet verify registry.example.com/team/app:1.2.3 file:./app-1.2.3.tar.gz file:./sbom.spdx.json',
    'signet verify file:./downloaded.tar.gz --target-name releases/app-1.2.3.tar.gz',
    'signet verify --bundle /media/usb/release.tar --root ./root.json file:./app-1.2.3.tar.gz oci-layout:./app:1.2.3   # air-gapped',
    'signet verify registry.example.com/team/app:1.2.3 --notary https://notary.example.com --root-key-id <id>   # Notary v1 collection',
    'signet verify -f deploy.yaml -f compose.yaml               # every image in the manifests, in one call',
    'signet verify -f deploy.yaml --pin                         # then rewrite them to the verified name@sha256:…',
    'helm template ./chart | signet verify -f - --pin | kubectl apply -f -',
    'kustomize build overlays/prod | signet verify -f - --json',
    'REGISTRY=registry.example.com signet verify -f compose.yaml --pin   # image: ${REGISTRY}/app:${TAG} keeps its variables, gets @sha256:…',
  ]);
  command.action(async (refs: string[], options: VerifyCommandOptions) => {
    if (options.pin && !options.file?.length) throw new UsageError('bad-option', '--pin rewrites manifests: give them with --file');
    if (options.file?.length) {
      if (options.notary || options.trustDir) throw new UsageError('bad-option', '--file checks images against signet trust repositories; --notary and --trust-dir do not apply');
      const { verifyManifestFiles } = await import('./verify-manifests.js');
      return verifyManifestFiles(refs, options.file, options, cli);
    }
    if (refs.length === 0) throw new UsageError('missing-argument', 'give image references to verify, or manifests with --file');
    if (options.notary || options.trustDir) return verifyWithNotary(refs, options, cli);
    const { verifyImages } = await import('../../workflows/verify.js');
    const verifyOptions: Parameters<typeof verifyImages>[1] = {};
    if (options.trustRepo) verifyOptions.trustRepo = options.trustRepo;
    if (options.root) verifyOptions.root = options.root;
    if (options.name) verifyOptions.name = options.name;
    Object.assign(verifyOptions, fileNameOptionsFrom(options));
    if (options.bundle) verifyOptions.bundle = options.bundle;
    const ctx = await cli.storeContext(options);
    const report = await verifyImages(refs, verifyOptions, ctx);
    reportOutcomes(cli, options, report.outcomes, { bytesDownloaded: report.bytesDownloaded });
  });
}

async function verifyWithNotary(refs: string[], options: VerifyCommandOptions, cli: CliRuntime): Promise<void> {
  const { verifyNotaryImages } = await import('../../workflows/verify-notary.js');
  const notaryOptions: Parameters<typeof verifyNotaryImages>[1] = notarySourceOptions(options, options.notary, cli.io);
  if (options.gun) notaryOptions.gun = options.gun;
  if (options.name) notaryOptions.name = options.name;
  const ctx = await cli.storeContext(options);
  reportOutcomes(cli, options, await verifyNotaryImages(refs, notaryOptions, ctx), {});
}

/**
 * One error line per refused image on stderr, the verified references (or the
 * VerifyReport JSON, one result per reference) on stdout, and the batch exit
 * code from batchExitCode: invalid outranks inconclusive, which outranks usage.
 */
function reportOutcomes(cli: CliRuntime, options: VerifyCommandOptions, outcomes: readonly VerifyOutcome[], extra: { bytesDownloaded?: number }): void {
  for (const outcome of outcomes) if (!outcome.ok) cli.io.err(`error: ${printable(outcome.error.message)}\n`);
  const report = verifyReport(outcomes, extra);
  cli.exitCode = report.exitCode;
  cli.print(options, report, () => report.results.flatMap((o) => (o.ok ? [printable(o.verified)] : [])));
}
