// `signet tuf download`: refresh, then for each target name in order: find it
// through the delegation graph (TUF 5.6.7), reuse a stored copy whose length
// and hashes match, else download it bounded by its signed length, verify
// length and every hash (TUF 5.7), and move it into place atomically.

import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { TargetFile } from 'tuf-js';
import { withTufClient, type RefreshSummary, type TufClient, type TufClientOptions } from './tuf-client.js';
import { TARGETS_BASE_URL } from '../verify/store-fetcher.js';
import { syncDirectory } from '../store/atomic-file.js';
import { InconclusiveError, SignetError, UsageError, VerificationError } from '../errors.js';

export interface TufDownloadOptions extends TufClientOptions {
  targetBaseUrl: string;
  targetDir: string;
  targetNames: readonly string[];
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

export interface DownloadedTarget {
  name: string;
  /** Where it is stored: `<target-dir>/<URL-encoded name>`. */
  path: string;
  length: number;
  hashes: Record<string, string>;
  /** False when a stored copy already matched and nothing was fetched. */
  fetched: boolean;
}

export interface TufDownloadResult {
  refresh: RefreshSummary;
  targets: DownloadedTarget[];
  targetBytesDownloaded: number;
}

/** Hash algorithms of which at least one must be signed for a target (TUF 4.4 `hashes`). */
const REQUIRED_HASHES = ['sha256', 'sha512'];

/** Stops at the first target that fails; the error names it. Targets before it stay stored. */
export async function tufDownload(options: TufDownloadOptions): Promise<TufDownloadResult> {
  if (options.targetNames.length === 0) throw new UsageError('no-targets', 'name at least one target with --target-name');
  const targetDir = resolve(options.cwd, options.targetDir);
  return withTufClient(options, async (client) => {
    await fs.mkdir(targetDir, { recursive: true });
    const targets: DownloadedTarget[] = [];
    for (const name of options.targetNames) {
      try {
        const result = await downloadOne(client, name, targetDir);
        options.log?.(result.fetched ? `downloaded ${name} (${result.length} bytes) to ${result.path}` : `${name} is already stored and matches: ${result.path}`);
        targets.push(result);
      } catch (error) {
        const failure = error instanceof SignetError ? error : client.classify(error);
        throw new SignetError(failure.kind, failure.code, `target ${JSON.stringify(name)}: ${failure.message}`, { cause: failure });
      }
    }
    return { refresh: client.summary, targets, targetBytesDownloaded: client.fetcher.targetBytesDownloaded };
  });
}

async function downloadOne(client: TufClient, name: string, targetDir: string): Promise<DownloadedTarget> {
  let info: TargetFile | undefined;
  try {
    info = await client.updater.getTargetInfo(name);
  } catch (error) {
    throw client.classify(error);
  }
  if (!info) throw new VerificationError('target-not-found', `no trusted role of ${client.location} signs a target with this name`);
  if (!REQUIRED_HASHES.some((alg) => Object.hasOwn(info.hashes, alg))) {
    throw new VerificationError('weak-target-hashes', `its signed entry has no sha256 or sha512 hash (only: ${Object.keys(info.hashes).join(', ') || 'none'})`);
  }
  const path = join(targetDir, storedNameOf(name));
  const result: DownloadedTarget = { name, path, length: info.length, hashes: { ...info.hashes }, fetched: false };

  if (await isStoredFile(path)) {
    // findCachedTarget checks the stored length and every signed hash.
    if ((await client.updater.findCachedTarget(info, path)) === path) return result;
  }
  const temp = join(targetDir, `.signet-${randomBytes(8).toString('hex')}.part`);
  const failuresBefore = client.fetcher.failures.length;
  try {
    try {
      await client.updater.downloadTarget(info, temp, TARGETS_BASE_URL);
    } catch (error) {
      throw describeDownloadFailure(error, client, info, client.fetcher.failures.slice(failuresBefore).at(-1));
    }
    await moveIntoPlace(temp, path, targetDir);
  } finally {
    await fs.rm(temp, { force: true });
  }
  return { ...result, fetched: true };
}

/**
 * Target names are signed but still untrusted as file names: the whole name
 * is URL-encoded into one file name (as python-tuf, go-tuf and tuf-js store
 * targets), so `a/b.txt` becomes `a%2Fb.txt` and nothing can leave the directory.
 */
export function storedNameOf(name: string): string {
  const encoded = encodeURIComponent(name);
  if (encoded === '' || encoded === '.' || encoded === '..') {
    throw new VerificationError('bad-target-name', 'refusing a target name that is not usable as a file name');
  }
  return encoded;
}

async function isStoredFile(path: string): Promise<boolean> {
  let stat;
  try {
    stat = await fs.lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  if (stat.isSymbolicLink()) throw new UsageError('symlink-refused', `${path} is a symlink; remove it so the target can be stored there`);
  if (!stat.isFile()) throw new UsageError('not-a-file', `${path} exists and is not a regular file`);
  return true;
}

/** `recorded`: what the target source itself raised during this download, if anything. */
function describeDownloadFailure(error: unknown, client: TufClient, info: TargetFile, recorded: SignetError | undefined): SignetError {
  const where = client.targetLocation ?? 'the target source';
  if (recorded?.code === 'too-large') {
    // TUF 5.7.3: never read more than the signed length (endless data).
    return new VerificationError('too-large', `the file served by ${where} is longer than its signed length of ${info.length} bytes (${recorded.message})`, { cause: recorded });
  }
  if (recorded) return recorded;
  const kind = error instanceof Error ? error.constructor.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (kind === 'LengthOrHashMismatchError') {
    return new VerificationError('target-mismatch', `the file served by ${where} does not match its signed length and hashes (${message}); it may have been tampered with`, { cause: error });
  }
  if (kind === 'DownloadLengthMismatchError') {
    return new VerificationError('too-large', `the file served by ${where} is longer than its signed length of ${info.length} bytes`, { cause: error });
  }
  if (kind === 'DownloadHTTPError') {
    return new InconclusiveError('target-missing', `it is signed but ${where} does not serve it (${message})`, { cause: error });
  }
  return new InconclusiveError('target-download-failed', `could not download or store it from ${where}: ${message}`, { cause: error });
}

/** fsync the downloaded file, rename it over `path`, fsync the directory. */
async function moveIntoPlace(temp: string, path: string, dir: string): Promise<void> {
  const handle = await fs.open(temp, 'r+');
  try {
    // Targets are public content: readable like any downloaded file (the temp copy was private).
    await handle.chmod(0o644);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, path);
  await syncDirectory(dir);
}
