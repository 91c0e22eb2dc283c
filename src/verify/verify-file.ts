// The deploy-side check for one file: its target must be signed by a trusted
// role, and the file's length and every signed hash must match, read as a
// stream in constant memory (see content-check.ts).

import type { FileReference } from '../files/file-reference.js';
import { fileSize, readFileChunks } from '../files/file-content.js';
import { checkStream, type HashAlgorithm } from './content-check.js';
import { VerificationError } from '../errors.js';
import { signedTarget } from './not-signed-error.js';
import type { TrustSession } from './trust-session.js';

export interface VerifiedFile {
  kind: 'file';
  reference: string;
  /** The target that vouches for the file. */
  target: string;
  /** `sha256:<hex>` of the file (`sha512:<hex>` for an entry that signs only sha512). */
  digest: string;
  size: number;
  /** Every hash checked (hex). */
  hashes: Partial<Record<HashAlgorithm, string>>;
  /** `target@sha256:…`: the verified name and digest. */
  verified: string;
  /** The role that signed the target (see VerifiedResult.role). */
  role: string;
  custom: Record<string, unknown>;
}

/**
 * Throws VerificationError (exit 1): `not-signed` or `revoked` when no trusted
 * role signs the target, `target-mismatch` when the file changed after signing.
 */
export async function verifyFile(session: TrustSession, ref: FileReference): Promise<VerifiedFile> {
  const target = ref.name;
  const what = `file ${ref.text.slice('file:'.length)}`;
  const size = await fileSize(ref.path, what);
  const info = await signedTarget(session, target);
  // A size that differs is a change: say so without reading the file.
  if (size !== info.length) {
    throw new VerificationError('target-mismatch', `${what} does not match its signed target ${target}: signed ${info.length} bytes, found ${size} bytes; the file changed after it was signed`);
  }
  let found;
  try {
    found = await checkStream(readFileChunks(ref.path, what), info, what);
  } catch (error) {
    if (error instanceof VerificationError && (error.code === 'target-mismatch' || error.code === 'too-large')) {
      throw new VerificationError('target-mismatch', `${error.message} (target ${target}); the file changed after it was signed`, { cause: error });
    }
    throw error;
  }
  const digest = found.hashes.sha256 ? `sha256:${found.hashes.sha256}` : `sha512:${found.hashes.sha512}`;
  return { kind: 'file', reference: ref.text, target, digest, size: found.length, hashes: found.hashes, verified: `${target}@${digest}`, role: info.role ?? 'unknown', custom: info.custom };
}
