// The one error hierarchy of signet. Every error carries a stable `code` and a
// `kind` that decides the exit code: invalid (1), usage (2), inconclusive (3).
// Causes are kept as ES2022 `cause`, never stringified into the message.

/** What a failure means to the caller; the CLI maps it to an exit code. */
export type ErrorKind = 'invalid' | 'usage' | 'inconclusive';

export class SignetError extends Error {
  override name = 'SignetError';
  readonly code: string;
  readonly kind: ErrorKind;

  constructor(kind: ErrorKind, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.code = code;
  }
}

/** Verification failed: tampered, unsigned, revoked, expired, below threshold. Exit 1. */
export class VerificationError extends SignetError {
  override name = 'VerificationError';
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super('invalid', code, message, options);
  }
}

/** The user asked for something impossible or the configuration is wrong. Exit 2. */
export class UsageError extends SignetError {
  override name = 'UsageError';
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super('usage', code, message, options);
  }
}

/** Could not check: network down, registry 5xx, timeout. Exit 3. */
export class InconclusiveError extends SignetError {
  override name = 'InconclusiveError';
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super('inconclusive', code, message, options);
  }
}

/**
 * Exit codes from BRIEF.md; the only place they are defined. `partial` (4) is
 * not an error's kind: `signet timestamp` exits 4 when it refreshed the
 * timestamp but a due snapshot could not be re-signed here (decisions.md, day2a).
 */
export const EXIT = { ok: 0, invalid: 1, usage: 2, inconclusive: 3, partial: 4 } as const;

export function exitCodeFor(error: unknown): number {
  if (error instanceof SignetError) return EXIT[error.kind];
  return EXIT.usage;
}

/** One exit code for many results: invalid outranks inconclusive, which outranks usage, so the worst news wins. */
export function worstExit(errors: readonly SignetError[]): number {
  let code: number = EXIT.ok;
  for (const error of errors) {
    const own = EXIT[error.kind];
    if (own === EXIT.invalid || (own === EXIT.inconclusive && code !== EXIT.invalid) || code === EXIT.ok) code = own;
  }
  return code;
}

/** System error codes that mean "this machine's disk or files", never the network or the data. */
const LOCAL_IO_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EMFILE', 'ENFILE', 'EISDIR', 'ENOTDIR']);

/**
 * One kind for an error that is not a SignetError: a local file-system failure
 * (disk full, read-only, permissions) is a configuration problem on this
 * machine (exit 2), never "could not check, try later"; anything else could
 * not be checked (exit 3). Neither is ever a verdict.
 */
export function unexpectedError(error: unknown): SignetError {
  if (error instanceof SignetError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && LOCAL_IO_CODES.has(code)) {
    return new UsageError('local-io', `a local file could not be written or read (${message}); check free space and permissions of SIGNET_HOME and the paths given`, { cause: error });
  }
  return new InconclusiveError('unexpected', `could not check: ${message}`, { cause: error });
}
