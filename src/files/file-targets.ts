// Signing files: hash each `file:` reference once (sha256, and sha512 when
// asked) and turn it into the one target entry that signs it.

import type { FileReference } from './file-reference.js';
import { hashFile } from './file-content.js';
import type { HashAlgorithm, ReceivedContent } from '../verify/content-check.js';
import type { TargetEntry } from '../trust/trust-repository.js';

/** `custom.kind` of a file target, so `list` and `verify` can tell files from images. */
export const FILE_TARGET_KIND = 'file';

export interface SignedFile {
  kind: 'file';
  reference: string;
  /** The target name it is signed under. */
  name: string;
  /** `sha256:<hex>` */
  digest: string;
  size: number;
  hashes: Partial<Record<HashAlgorithm, string>>;
  /** Target names added or replaced (the one). */
  targets: string[];
  trustRepository: string;
}

export async function hashFileReference(ref: FileReference, options: { sha512?: boolean }): Promise<ReceivedContent> {
  return hashFile(ref.path, options.sha512 ? ['sha256', 'sha512'] : ['sha256'], `file ${ref.text.slice('file:'.length)}`);
}

export function fileTargetEntry(ref: FileReference, content: ReceivedContent): TargetEntry {
  const entry: TargetEntry = { name: ref.name, length: content.length, sha256: content.hashes.sha256!, custom: { kind: FILE_TARGET_KIND } };
  if (content.hashes.sha512) entry.sha512 = content.hashes.sha512;
  return entry;
}

export function signedFile(ref: FileReference, content: ReceivedContent, trustRepository: string): SignedFile {
  return {
    kind: 'file',
    reference: ref.text,
    name: ref.name,
    digest: `sha256:${content.hashes.sha256}`,
    size: content.length,
    hashes: { ...content.hashes },
    targets: [ref.name],
    trustRepository,
  };
}
