// The deploy-side check for one image: the signed target for the reference
// (its tag, else its digest) must exist in trusted metadata and match the
// length and sha256 of the manifest bytes we actually received.

import type { ImageReference } from '../image/image-reference.js';
import { targetNameOf } from '../image/image-reference.js';
import type { Manifest } from '../image/manifest.js';
import { sha256Hex } from '../metadata/digest.js';
import { SignetError, VerificationError } from '../errors.js';
import { signedTarget } from './not-signed-error.js';
import type { TrustSession } from './trust-session.js';

export interface VerifiedImage {
  reference: string;
  /** The target that vouches for the image. */
  target: string;
  digest: string;
  size: number;
  mediaType: string;
  /** What to deploy: `name@sha256:…` (with the registry host for registry references). */
  verified: string;
  /** The role that signed the target (`unknown` only if tuf-js changed how it hands targets back). */
  role: string;
  custom: Record<string, unknown>;
}

/** Throws VerificationError (exit 1) when the image is unsigned or differs from what was signed. */
export async function verifyManifest(session: TrustSession, ref: ImageReference, manifest: Manifest): Promise<VerifiedImage> {
  const target = targetNameOf(ref, manifest.digest);
  const info = await signedTarget(session, target);
  const expected = info.hashes['sha256'];
  if (typeof expected !== 'string') {
    throw new VerificationError('no-sha256', `${target} is signed without a sha256 hash; signet requires one`);
  }
  const found = sha256Hex(manifest.bytes);
  if (expected !== found || info.length !== manifest.bytes.length) {
    throw new VerificationError(
      'digest-mismatch',
      `${ref.text} does not match its signature: signed sha256:${expected} (${info.length} bytes), found ${manifest.digest} (${manifest.bytes.length} bytes); the image changed after it was signed`,
    );
  }
  const where = ref.kind === 'registry' ? `${ref.registry}/${ref.repository}` : ref.name;
  return {
    reference: ref.text,
    target,
    digest: manifest.digest,
    size: manifest.bytes.length,
    mediaType: manifest.mediaType,
    verified: `${where}@${manifest.digest}`,
    role: info.role ?? 'unknown',
    custom: info.custom,
  };
}

/**
 * For a verifier, an image whose tag or digest is not in the registry or
 * layout is nothing to deploy: a verification failure (exit 1), not a usage
 * error. Other errors pass through unchanged.
 */
export function asMissingImage(error: SignetError): SignetError {
  if (error.code !== 'no-such-image' && error.code !== 'not-found') return error;
  return new VerificationError('image-not-found', `${error.message}; nothing to deploy`, { cause: error });
}
