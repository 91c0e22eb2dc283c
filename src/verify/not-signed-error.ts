// The refusal for a name no trusted role signs: "no longer signed" with the
// date (and reason) when a trusted role recorded its revocation, plain "not
// signed" otherwise. Both are verification failures (exit 1). And the lookup
// every deploy-side check starts with (images, files), which raises it.

import type { TargetInfo, TrustSession } from './trust-session.js';
import { SignetError, VerificationError } from '../errors.js';

/**
 * Why `target` is refused. `failure` is the invalid-kind error a lookup threw
 * (e.g. a delegated role whose key was revoked no longer verifies); it
 * becomes the cause of a "revoked" error when a record explains it.
 */
export async function notSignedError(session: TrustSession, target: string, failure?: SignetError): Promise<SignetError> {
  const record = await session.revocationOf(target);
  if (record && (failure === undefined || failure.kind === 'invalid')) {
    const why = record.reason ? ` (${record.reason})` : '';
    return new VerificationError(
      'revoked',
      `${target} is no longer signed: revoked ${record.revoked}${why} by role ${record.role} in ${session.location}`,
      failure ? { cause: failure } : undefined,
    );
  }
  return failure ?? new VerificationError('not-signed', `${target} is not signed in trust repository ${session.location}`);
}

/** The trusted entry for `target`; throws `notSignedError` when no trusted role signs it (or its role no longer verifies). */
export async function signedTarget(session: TrustSession, target: string): Promise<TargetInfo> {
  let info: TargetInfo | undefined;
  try {
    info = await session.lookup(target);
  } catch (error) {
    // e.g. the delegated role that signed it lost its key: say so when a revocation record explains it.
    throw error instanceof SignetError ? await notSignedError(session, target, error) : error;
  }
  if (!info) throw await notSignedError(session, target);
  return info;
}
