// `signet tuf download`: refresh, then for each target name in order: find it
// through the delegation graph (TUF 5.6.7), reuse a stored copy whose length
// and hashes match, else download it bounded by its signed length, verify
// length and every hash (TUF 5.7) with the content check `signet verify
// file:` uses (verify/content-check.ts), and move it into place atomically.

import { closeSync, openSync, promises as fs, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { TargetFile } from 'tuf-js';
import { withTufClient, type RefreshSummary, type TufClient, type TufClientOptions } from './tuf-client.js';
import { checkStream, ContentCheck, KNOWN_HASHES, type SignedContent } from '../verify/content-check.js';
import { readFileChunks } from '../files/file-content.js';
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

/** Stops at the first target that fails; the error names it. Targets before it stay stored. */
export async function tufDownload(options: TufDownloadOptions): Promise<TufDownloadResult> {
  if (options.targetNames.length === 0) throw new UsageError('no-targets', 'name at least one target with --target-name');
  const targetDir = resolve(options.cwd, options.targetDir);
  return withTufClient(options, async (client) => {
    await fs.mkdir(targetDir, { recursive: true });
    const targets: DownloadedTarget[] = [];
    const counter = { bytes: 0 };
    for (const name of options.targetNames) {
      try {
        const result = await downloadOne(client, name, targetDir, counter);
        options.log?.(result.fetched ? `downloaded ${name} (${result.length} bytes) to ${result.path}` : `${name} is already stored and matches: ${result.path}`);
        targets.push(result);
      } catch (error) {
        const failure = error instanceof SignetError ? error : client.classify(error);
        throw new SignetError(failure.kind, failure.code, `target ${JSON.stringify(name)}: ${failure.message}`, { cause: failure });
      }
    }
    return { refresh: client.summary, targets, targetBytesDownloaded: counter.bytes };
  });
}

async function downloadOne(client: TufClient, name: string, targetDir: string, counter: { bytes: number }): Promise<DownloadedTarget> {
  let info: TargetFile | undefined;
  try {
    info = await client.updater.getTargetInfo(name);
  } catch (error) {
    throw client.classify(error);
  }
  if (!info) throw new VerificationError('target-not-found', `no trusted role of ${client.location} signs a target with this name`);
  // TUF 4.4 `hashes`: at least one hash signet checks must be signed.
  if (!KNOWN_HASHES.some((alg) => Object.hasOwn(info.hashes, alg))) {
    throw new VerificationError('weak-target-hashes', `its signed entry has no sha256 or sha512 hash (only: ${Object.keys(info.hashes).join(', ') || 'none'})`);
  }
  const signed: SignedContent = { length: info.length, hashes: info.hashes };
  const path = join(targetDir, storedNameOf(name));
  const result: DownloadedTarget = { name, path, length: info.length, hashes: { ...info.hashes }, fetched: false };

  if (await isStoredFile(path)) {
    // The same check as a download and `signet verify file:` (content-check.ts); a copy that fails it is fetched again.
    const kept = await checkStream(readFileChunks(path, path), signed, path).then(
      () => true,
      (error: unknown) => (error instanceof VerificationError ? false : Promise.reject(error)),
    );
    if (kept) return result;
  }
  const temp = join(targetDir, `.signet-${randomBytes(8).toString('hex')}.part`);
  try {
    await fetchChecked(client, info, signed, temp, counter);
    await moveIntoPlace(temp, path, targetDir);
  } finally {
    await fs.rm(temp, { force: true });
  }
  return { ...result, fetched: true };
}

/**
 * TUF 5.7.3: download the target into `temp`, bounded by its signed length,
 * each chunk going through the content check before it is written.
 */
async function fetchChecked(client: TufClient, info: TargetFile, signed: SignedContent, temp: string, counter: { bytes: number }): Promise<void> {
  const source = client.fetcher.targets;
  if (!source) throw new UsageError('no-target-source', 'name where targets are served with --target-base-url');
  const where = client.targetLocation ?? 'the target source';
  const check = new ContentCheck(signed, `the file served by ${where}`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    // Written synchronously per chunk: an HTTP body must never wait on the disk (see http-get.ts).
    const found = await source.fetch(targetPathOf(info, client.consistentSnapshot), info.length, (chunk) => {
      check.update(chunk);
      counter.bytes += chunk.length;
      for (let offset = 0; offset < chunk.length; ) offset += writeSync(fd, chunk, offset);
    });
    if (!found) throw new InconclusiveError('target-missing', `it is signed but ${where} does not serve it`);
    check.finish();
  } catch (error) {
    throw describeDownloadFailure(error, where, info);
  } finally {
    closeSync(fd);
  }
}

/** Where a target is served (TUF 5.7.3): `dir/<hash>.<base>` with consistent snapshots; each segment URL-encoded. */
export function targetPathOf(info: Pick<TargetFile, 'path' | 'hashes'>, consistentSnapshot: boolean): string {
  const segments = info.path.split('/');
  if (consistentSnapshot) segments[segments.length - 1] = `${Object.values(info.hashes)[0]}.${segments.at(-1)}`;
  return segments.map(encodeURIComponent).join('/');
}

function describeDownloadFailure(error: unknown, where: string, info: TargetFile): SignetError {
  if (error instanceof SignetError && error.code === 'too-large') {
    // TUF 5.7.3: never read more than the signed length (endless data).
    return new VerificationError('too-large', `the file served by ${where} is longer than its signed length of ${info.length} bytes (${error.message})`, { cause: error });
  }
  if (error instanceof SignetError && error.code === 'target-mismatch') {
    return new VerificationError('target-mismatch', `${error.message}; it may have been tampered with`, { cause: error });
  }
  if (error instanceof SignetError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new InconclusiveError('target-download-failed', `could not download or store it from ${where}: ${message}`, { cause: error });
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
