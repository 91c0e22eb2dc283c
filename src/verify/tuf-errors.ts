// Map what tuf-js throws onto signet's error kinds. tuf-js wraps snapshot and
// targets download failures in a RuntimeError with the cause stringified, so
// transport failures are taken from the fetcher's own record instead.

import { SignetError, VerificationError, InconclusiveError } from '../errors.js';
import type { StoreFetcher } from './store-fetcher.js';
import { isRecord } from '../metadata/types.js';
import { fixFor } from '../trust/refresh-command.js';

/** `signetHints`: suggest signet publisher commands (off for repositories signet did not write). */
export function classifyTufError(error: unknown, fetcher: StoreFetcher, location: string, signetHints = true): SignetError {
  if (error instanceof SignetError) return error;
  const failure = fetcher.failures.at(-1);
  if (failure) return failure;
  const message = reasonOf(error instanceof Error ? error.message : String(error));
  const kind = error instanceof Error ? error.constructor.name : 'Error';

  if (kind === 'ExpiredMetadataError' || /is expired/.test(message)) {
    const role = decodeURIComponent(/([^\s:]+)\.json is expired/.exec(message)?.[1] ?? 'metadata');
    const expires = expiryOf(fetcher, role);
    const next = location.startsWith('bundle:')
      ? 'this bundle is too old to verify with: make a fresh one on the connected machine with `signet bundle create` (after `signet timestamp` there if the repository itself is stale) and carry it over'
      : signetHints
        ? fixFor(role)
        : 'its publisher must re-sign it';
    return new VerificationError('expired', `${role} expired${expires ? ` ${expires}` : ''} in ${location}; ${next}`, { cause: error });
  }
  // The fetcher does not record the normal miss of the next N.root.json probe.
  const missing = fetcher.missing.at(-1);
  if (missing !== undefined) {
    // A consistent snapshot that points at a file not there yet: a publish in progress, or a broken store.
    return new InconclusiveError('metadata-missing', `${location} is missing ${missing}; a publish may be in progress, retry`, { cause: error });
  }
  if (error instanceof TypeError && /reading 'length'/.test(message)) {
    // tuf-js 6 dereferences the snapshot entry of a delegated role without checking it exists.
    return new VerificationError(
      'unpublished-role',
      `a delegated role covering this name is not published in ${location} yet; its key holders publish it with \`signet sign --role NAME\` (\`signet status\` names it)`,
      { cause: error },
    );
  }
  if (kind === 'BadVersionError' || kind === 'EqualVersionError' || /version .* (is less than|is equal to|does not match)|Expected version/.test(message)) {
    return new VerificationError('rollback', `trust metadata from ${location} is older than what this machine already trusts (${message}); possible rollback attack`, { cause: error });
  }
  if (kind === 'UnsignedMetadataError' || /signed by|threshold|signature/i.test(message)) {
    return new VerificationError('bad-signature', `trust metadata from ${location} is not signed by the trusted keys: ${message}`, { cause: error });
  }
  if (kind === 'LengthOrHashMismatchError' || /hash|length/i.test(message)) {
    return new VerificationError('hash-mismatch', `trust metadata from ${location} does not match what the role above it records: ${message}`, { cause: error });
  }
  if (kind === 'DownloadLengthMismatchError' || /Max length/.test(message)) {
    return new VerificationError('too-large', `trust metadata from ${location} is larger than allowed: ${message}`, { cause: error });
  }
  if (kind === 'PersistError') {
    return new SignetError('usage', 'state-unwritable', `could not save trusted metadata: ${message}`, { cause: error });
  }
  return new VerificationError('invalid-metadata', `trust metadata from ${location} was refused: ${message}`, { cause: error });
}

/** tuf-js wraps snapshot and targets failures as "Unable to load … error <Name>: <reason>"; keep the reason. */
function reasonOf(message: string): string {
  return message.replace(/^Unable to load (?:targets|snapshot metadata) error (?:\w*Error: )?/, '');
}

/** The expiry date of the newest fetched copy of `role`, when we saw it. */
function expiryOf(fetcher: StoreFetcher, role: string): string | undefined {
  const names = [...fetcher.fetched.keys()].filter((n) => n === `${role}.json` || n.endsWith(`.${role}.json`));
  const bytes = names.length > 0 ? fetcher.fetched.get(names.at(-1)!) : undefined;
  if (!bytes) return undefined;
  try {
    const doc = JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
    if (isRecord(doc) && isRecord(doc['signed']) && typeof doc['signed']['expires'] === 'string') return doc['signed']['expires'];
  } catch {
    return undefined;
  }
  return undefined;
}
