// `signet verify -f FILE… [--pin]`: the manifest side of `signet verify`.
// Results name the file, line and workload of each image; with `-f - --pin`
// stdout carries the pinned manifest, so it can feed `kubectl apply -f -`.

import type { CliRuntime, CommonOptions } from '../runtime.js';
import { registryOptionsFrom, type RegistryCommandOptions } from '../registry-options.js';
import { UsageError, worstExit } from '../../errors.js';

interface ManifestCommandOptions extends CommonOptions, RegistryCommandOptions {
  trustRepo?: string;
  root?: string;
  name?: string;
  pin?: boolean;
  bundle?: string;
}

export async function verifyManifestFiles(refs: string[], files: string[], options: ManifestCommandOptions, cli: CliRuntime): Promise<void> {
  if (refs.length > 0) throw new UsageError('bad-option', 'give image references or manifests with --file, not both');
  if (files.filter((f) => f === '-').length > 1) throw new UsageError('bad-option', 'stdin (`-f -`) can be read once');
  const { verifyManifests } = await import('../../workflows/verify-manifests.js');
  const inputs = await Promise.all(files.map(async (file) => (file === '-' ? { file, text: await cli.io.readStdin() } : { file })));
  const manifestOptions: Parameters<typeof verifyManifests>[1] = {};
  if (options.trustRepo) manifestOptions.trustRepo = options.trustRepo;
  if (options.root) manifestOptions.root = options.root;
  if (options.name) manifestOptions.name = options.name;
  if (options.pin) manifestOptions.pin = true;
  if (options.bundle) manifestOptions.bundle = options.bundle;
  manifestOptions.env = cli.io.env;
  const ctx = cli.context(options);
  ctx.registry = await registryOptionsFrom(cli.io, options);
  const report = await verifyManifests(inputs, manifestOptions, ctx);

  const errors = report.images.flatMap((i) => (i.ok ? [] : [i.error]));
  for (const image of report.images) {
    if (!image.ok) cli.io.err(`error: ${image.file}:${image.line} ${image.owner} ${image.field === 'compose' ? '' : `${image.field} `}${image.container}: ${image.error.message}\n`);
  }
  if (report.images.length === 0) cli.io.err(`warning: no images found in ${files.join(', ')}\n`);
  if (options.pin && errors.length > 0) cli.io.err('nothing was pinned: every image must verify first\n');
  for (const file of report.written) cli.io.err(`pinned ${file}\n`);
  cli.exitCode = worstExit(errors);

  const stdoutIsManifest = report.pinnedStdin !== undefined && !options.json;
  if (stdoutIsManifest) {
    cli.io.out(report.pinnedStdin!);
    return;
  }
  const json = {
    ok: errors.length === 0,
    bytesDownloaded: report.bytesDownloaded,
    written: report.written,
    ...(report.pinnedStdin !== undefined ? { pinnedManifest: report.pinnedStdin } : {}),
    images: report.images.map((i) =>
      i.ok
        ? { ok: true, file: i.file, line: i.line, document: i.document, owner: i.owner, container: i.container, field: i.field, image: i.image, digest: i.digest, verified: i.verified, pinned: i.pinned }
        : { ok: false, file: i.file, line: i.line, document: i.document, owner: i.owner, container: i.container, field: i.field, image: i.image, error: { code: i.error.code, kind: i.error.kind, message: i.error.message } },
    ),
  };
  cli.print(options, json, () => report.images.flatMap((i) => (i.ok ? [`${i.file}:${i.line} ${i.owner} ${i.container}: ${i.image} → ${i.pinned}`] : [])));
}
