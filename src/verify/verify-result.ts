// The one result type of a verification batch (`signet verify --json`, the
// library's verifyImages/verifyNotaryImages, and the front ends built on them):
// exactly one result per reference, in the order given, and one exit code.

import { EXIT, worstExit, type ErrorKind, type SignetError } from '../errors.js';

/** Bumped when a field changes meaning or disappears; new optional fields do not bump it. */
export const VERIFY_SCHEMA_VERSION = 1;

/** An image (or other target) that verified: what to deploy and who vouched for it. */
export interface VerifiedResult {
  ok: true;
  /** The reference exactly as given. */
  reference: string;
  /** What to deploy: `name@sha256:…` (with the registry host for registry references). */
  verified: string;
  digest: string;
  size: number;
  /** The TUF role whose signed targets list this image (`targets`, a delegation or a bin), or the Notary role. */
  role: string;
  /** The signed target name that vouches for the image (`team/app:1.0`). */
  target?: string;
  mediaType?: string;
  custom?: Record<string, unknown>;
  /** `file` for a file target (`file:PATH`); absent for images. */
  kind?: 'file';
  /** File targets: every signed hash checked (hex). */
  hashes?: Record<string, string>;
  /** Notary v1 verification: the collection and tag. */
  gun?: string;
  tag?: string;
}

/** A reference that did not verify. `error.code` is one of VERIFY_ERROR_CODES (or another stable SignetError code). */
export interface RefusedResult {
  ok: false;
  reference: string;
  error: { code: string; kind: ErrorKind; message: string };
}

export type VerifyResult = VerifiedResult | RefusedResult;

/** What `verify --json` prints: `jq '.results[] | select(.ok) | .verified'` gives what to deploy. */
export interface VerifyReport {
  schemaVersion: typeof VERIFY_SCHEMA_VERSION;
  /** True only when every reference verified (exitCode 0). */
  ok: boolean;
  /** The process exit code for the whole batch; see worstExit in errors.ts. */
  exitCode: number;
  results: VerifyResult[];
  /** Trust metadata bytes downloaded (signet trust repositories only). */
  bytesDownloaded?: number;
}

/** A library outcome: the error is still the SignetError (with its cause) until it is reported. */
export type VerifyOutcome<Ok extends Omit<VerifiedResult, 'ok'> = Omit<VerifiedResult, 'ok'>> =
  | ({ ok: true } & Ok)
  | { ok: false; reference: string; error: SignetError };

/**
 * The codes a refused reference carries most often, for deploy gates that
 * branch on them (README "Exit codes"). Other SignetError codes may appear;
 * codes are never renamed within a schema version.
 */
export const VERIFY_ERROR_CODES = {
  'not-signed': 'invalid: no trusted role signs this tag or digest',
  revoked: 'invalid: the target was signed, then revoked (message says when and why)',
  'digest-mismatch': 'invalid: the image differs from what was signed',
  'target-mismatch': 'invalid: a file (file:PATH) differs from its signed length and hashes',
  'image-not-found': 'invalid: the tag or digest is not in the registry or layout (nothing to deploy)',
  expired: 'invalid: trust metadata expired',
  rollback: 'invalid: trust metadata older than what this machine trusts',
  'bad-signature': 'invalid: trust metadata below its signature threshold',
  'hash-mismatch': 'invalid: trust metadata does not match its snapshot/timestamp entry',
  'bad-reference': 'usage: the reference is malformed',
  'no-trust-repository': 'usage: no policy entry covers the name (`signet trust add`)',
  'no-pinned-root': 'usage: no pinned root for the trust repository',
  'registry-denied': 'usage: the registry refused the credentials',
  'registry-unavailable': 'inconclusive: registry or store 5xx/429',
  'metadata-missing': 'inconclusive: a publish is in progress or the store is incomplete',
  unexpected: 'inconclusive: an unexpected failure while checking',
} as const;

/** The report for a batch of outcomes (one per reference, in order). */
export function verifyReport(outcomes: readonly VerifyOutcome[], extra: { bytesDownloaded?: number } = {}): VerifyReport {
  // Exit precedence for a mixed batch (worstExit): 1 (invalid: something must not be deployed)
  // outranks 3 (inconclusive: could not check), which outranks 2 (usage); 0 only when all verified.
  const exitCode = worstExit(outcomes.flatMap((o) => (o.ok ? [] : [o.error])));
  const results = outcomes.map((o): VerifyResult => {
    if (o.ok) return o;
    return { ok: false, reference: o.reference, error: { code: o.error.code, kind: o.error.kind, message: o.error.message } };
  });
  return { schemaVersion: VERIFY_SCHEMA_VERSION, ok: exitCode === EXIT.ok, exitCode, results, ...extra };
}
