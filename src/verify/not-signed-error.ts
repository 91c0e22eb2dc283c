// The refusal for a name no trusted role signs: "no longer signed" with the
// date (and reason) when a trusted role recorded its revocation, plain "not
// signed" otherwise. Both are verification failures (exit 1).

import type { TrustSession } from './trust-session.js';
import { VerificationError } from '../errors.js';

export async function notSignedError(session: TrustSession, target: string): Promise<VerificationError> {
  const record = await session.revocationOf(target);
  if (record) {
    const why = record.reason ? ` (${record.reason})` : '';
    return new VerificationError(
      'revoked',
      `${target} is no longer signed: revoked ${record.revoked}${why} by role ${record.role} in ${session.location}`,
    );
  }
  return new VerificationError('not-signed', `${target} is not signed in ${session.location}`);
}
