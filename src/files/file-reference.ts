// File references as signet reads them: `file:<path>`. A file is signed under
// a target name of its own, `files/<basename>` by default, chosen with
// --file-prefix (`files/team/`) or --target-name, so delegations can scope
// files with path patterns (`files/team/*`) beside images in one repository.

import { basename, resolve } from 'node:path';
import { UsageError } from '../errors.js';

export const FILE_PREFIX = 'file:';
/** Where file targets live when the user does not choose: `files/<basename>`. */
export const DEFAULT_FILE_TARGET_PREFIX = 'files/';

export interface FileReference {
  kind: 'file';
  /** Absolute path of the file. */
  path: string;
  /** The TUF target name it is signed under. */
  name: string;
  /** The text the user gave. */
  text: string;
}

export interface FileNameOptions {
  /** The exact target name (one file reference only). */
  targetName?: string;
  /** Prefix of derived names (default `files/`); a trailing `/` is added when missing. */
  filePrefix?: string;
  cwd?: string;
}

/** One path segment of a file target name: no `:` or `@` (image names own them), no `.`/`..`. */
const SEGMENT = /^[A-Za-z0-9_+~=-][A-Za-z0-9._+~=-]*$/;

export function isFileReference(text: string): boolean {
  return text.startsWith(FILE_PREFIX);
}

export function parseFileReference(text: string, options: FileNameOptions = {}): FileReference {
  const rest = text.slice(FILE_PREFIX.length);
  if (rest === '') throw new UsageError('bad-reference', `"${text}": the path part is empty (file:./dist/app.tar.gz)`);
  const path = resolve(options.cwd ?? process.cwd(), rest);
  const name = options.targetName ?? `${normalizePrefix(options.filePrefix ?? DEFAULT_FILE_TARGET_PREFIX)}${basename(path)}`;
  checkFileTargetName(name, text);
  return { kind: 'file', path, name, text };
}

/**
 * A file target name is `/`-separated segments of [A-Za-z0-9._+~=-], none of
 * them `.` or `..`, at most 255 characters: it can never be read back as an
 * image tag or digest target, nor leave a directory when stored as a file.
 */
export function checkFileTargetName(name: string, text: string): void {
  const segments = name.split('/');
  if (name.length > 255 || segments.some((s) => !SEGMENT.test(s) || s === '..')) {
    throw new UsageError(
      'bad-target-name',
      `"${text}": the target name "${name}" is not valid for a file (segments of letters, digits and ._+~=- split by /, no ':' or '@'); pass --target-name NAME`,
    );
  }
}

function normalizePrefix(prefix: string): string {
  if (prefix === '') return '';
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}
