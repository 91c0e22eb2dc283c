// signet as a general TUF client: a tuf-js Updater (the same one `signet
// verify` uses, see verify/updater.ts) over any TUF 1.x repository served over
// HTTP(S) or from a directory, with trusted metadata kept in the user's
// metadata directory as `<role>.json`, byte for byte as served.

import { join, resolve } from 'node:path';
import type { Updater } from 'tuf-js';
import { StoreFetcher } from '../verify/store-fetcher.js';
import { createUpdater } from '../verify/updater.js';
import { withWorkingCopy } from '../verify/working-copy.js';
import { classifyTufError } from '../verify/tuf-errors.js';
import { openMetadataSource, openTargetSource, type SourceOptions } from './sources.js';
import { parseSelfSignedRoot } from './tuf-init.js';
import { readFileBounded } from '../store/atomic-file.js';
import { LIMITS } from '../limits.js';
import { InconclusiveError, SignetError, UsageError } from '../errors.js';
import { isRecord } from '../metadata/types.js';

export interface TufClientOptions extends SourceOptions {
  /** Where the repository's metadata is served: http(s)://, file: or a directory. */
  metadataUrl: string;
  /** The local trusted metadata directory (must hold root.json: `signet tuf init`). */
  metadataDir: string;
  /** Where target files are served, when targets will be downloaded. */
  targetBaseUrl?: string;
}

/** The version of each top-level role now trusted, and what it cost. */
export interface RefreshSummary {
  metadataDir: string;
  location: string;
  versions: { root: number; timestamp: number; snapshot: number; targets: number };
  metadataBytesDownloaded: number;
}

export interface TufClient {
  updater: Updater;
  fetcher: StoreFetcher;
  /** Where metadata and targets come from, for messages. */
  location: string;
  targetLocation: string | undefined;
  /** The trusted root's `consistent_snapshot`: target files are then served as `<hash>.<name>` (TUF 5.7.3). */
  consistentSnapshot: boolean;
  /** Turn anything tuf-js or the fetcher threw into a SignetError. */
  classify(error: unknown): SignetError;
  summary: RefreshSummary;
}

/**
 * Run the TUF client workflow (TUF 5.3 root, 5.4 timestamp, 5.5 snapshot,
 * 5.6 top-level targets) on a scratch copy of the metadata directory, then
 * `work`. Every file tuf-js verified and persisted is moved back atomically,
 * even when a later step fails, so rollback protection holds across runs.
 */
export async function withTufClient<T>(options: TufClientOptions, work: (client: TufClient) => Promise<T>): Promise<T> {
  const dir = resolve(options.cwd, options.metadataDir);
  await requireTrustedRoot(dir);
  const store = await openMetadataSource(options.metadataUrl, options);
  const targets = options.targetBaseUrl === undefined ? undefined : await openTargetSource(options.targetBaseUrl, options);
  return withWorkingCopy(dir, async (scratch) => {
    const fetcher = new StoreFetcher(store, targets);
    const classify = (error: unknown) => {
      if (fetcher.missing.includes('timestamp.json') && !fetcher.fetched.has('timestamp.json')) {
        return new InconclusiveError('no-timestamp', `${store.location} does not serve timestamp.json: is --metadata-url the metadata location of a TUF repository?`, { cause: error });
      }
      return classifyTufError(error, fetcher, store.location, false);
    };
    let updater: Updater;
    try {
      updater = createUpdater(scratch, fetcher);
      await updater.refresh();
    } catch (error) {
      throw classify(error);
    }
    const summary: RefreshSummary = {
      metadataDir: dir,
      location: store.location,
      versions: {
        root: await versionOf(scratch, 'root'),
        timestamp: await versionOf(scratch, 'timestamp'),
        snapshot: await versionOf(scratch, 'snapshot'),
        targets: await versionOf(scratch, 'targets'),
      },
      metadataBytesDownloaded: fetcher.bytesDownloaded,
    };
    const consistentSnapshot = (await signedOf(scratch, 'root'))?.['consistent_snapshot'] === true;
    return work({ updater, fetcher, location: store.location, targetLocation: targets?.location, consistentSnapshot, classify, summary });
  });
}

/** `signet tuf refresh`: update the trusted metadata in the metadata directory. */
export async function tufRefresh(options: TufClientOptions): Promise<RefreshSummary> {
  return withTufClient(options, async (client) => client.summary);
}

/** DIR/root.json must exist, be a regular file (not a symlink) and a valid self-signed root. */
async function requireTrustedRoot(dir: string): Promise<void> {
  const rootPath = join(dir, 'root.json');
  const bytes = await readFileBounded(rootPath, LIMITS.rootBytes, { refuseSymlink: true });
  if (bytes === undefined) {
    throw new UsageError('not-initialised', `${dir} holds no trusted root.json; run \`signet tuf init ROOT.json --metadata-dir ${dir}\` first`);
  }
  parseSelfSignedRoot(bytes, `trusted ${rootPath}`);
}

/** The version in a trusted `<role>.json` tuf-js just verified and persisted. */
async function versionOf(dir: string, role: string): Promise<number> {
  const signed = await signedOf(dir, role);
  return signed && typeof signed['version'] === 'number' ? signed['version'] : 0;
}

/** The `signed` part of a trusted `<role>.json` tuf-js just verified and persisted. */
async function signedOf(dir: string, role: string): Promise<Record<string, unknown> | undefined> {
  const bytes = await readFileBounded(join(dir, `${role}.json`), LIMITS.targetsBytes, { refuseSymlink: true });
  const doc = bytes === undefined ? undefined : (JSON.parse(bytes.toString('utf8')) as unknown);
  const signed = isRecord(doc) ? doc['signed'] : undefined;
  return isRecord(signed) ? signed : undefined;
}
