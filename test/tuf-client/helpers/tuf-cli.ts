// Shorthands for running `signet tuf …` in-process against a served repository.

import { runCli, type CliResult } from '../../../src/cli/run-cli.js';

export interface Endpoints {
  metadataUrl: string;
  targetUrl: string;
}

export function tufCli(cwd: string) {
  const run = (...argv: string[]): Promise<CliResult> => runCli(['tuf', ...argv], { cwd, env: {} });
  return {
    run,
    init: (root: string, dir = 'tuf-metadata') => run('init', root, '--metadata-dir', dir),
    refresh: (at: Endpoints, dir = 'tuf-metadata') => run('refresh', '--metadata-url', at.metadataUrl, '--metadata-dir', dir),
    download: (at: Endpoints, names: string[], dir = 'tuf-metadata', targetDir = 'downloads') =>
      run(
        'download', '--metadata-url', at.metadataUrl, '--metadata-dir', dir,
        '--target-base-url', at.targetUrl, '--target-dir', targetDir,
        ...names.flatMap((n) => ['--target-name', n]),
      ),
  };
}
