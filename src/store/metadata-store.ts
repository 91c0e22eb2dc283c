// The capability a trust repository is published to and read from. Names are
// TUF file names (`3.root.json`, `timestamp.json`, `5.bins-0a.json`), already
// encoded for use as a file name or tag by the caller (see `metadataFileName`).

export interface MetadataStore {
  /** A human-readable location for messages, without credentials. */
  readonly location: string;
  /** The bytes of `name`, or undefined when it does not exist. Refuses more than `maxBytes`. */
  get(name: string, maxBytes: number): Promise<Uint8Array | undefined>;
  /** Publish `bytes` as `name`, atomically: readers see the old or the new file, never a mix. */
  put(name: string, bytes: Uint8Array): Promise<void>;
  /** Names present in the store. */
  list(): Promise<string[]>;
  /**
   * Write `bytes` as `name` only when no file of that name exists; false when
   * one does. Consistent-snapshot files (`N.role.json`) are written this way,
   * so a published version is never overwritten (docs/concurrency.md).
   * Stores without it fall back to `put`.
   */
  putNew?(name: string, bytes: Uint8Array): Promise<boolean>;
  /** Hold an exclusive publish lock while `work` runs (writers only). */
  withLock<T>(work: (lock: PublishLock) => Promise<T>): Promise<T>;
}

/** The publisher's handle on a held lock. */
export interface PublishLock {
  /**
   * Throws InconclusiveError('lock-lost') when the lock is no longer ours
   * (taken over as stale, or its lease ran out). Called just before the
   * commit point of a publish (the timestamp write).
   */
  confirm(): Promise<void>;
}

/**
 * Fault injection for the crash tests: called before every step that changes
 * a store (lock, each write, each rename, unlock) with a name for the step.
 * A test makes it kill the process at step k; production code never sets it.
 */
export type FaultHook = (step: string) => void | Promise<void>;

/**
 * The file name of a role's metadata. Role names are untrusted: anything
 * outside [A-Za-z0-9._-] is percent-encoded (as tuf-js encodes it in URLs).
 */
export function metadataFileName(role: string, version?: number): string {
  const encoded = encodeURIComponent(role);
  return version === undefined ? `${encoded}.json` : `${version}.${encoded}.json`;
}

/**
 * True when `name` is safe as one file name in a store directory, an URL
 * path segment or a tag: not `.` or `..`, no separator, no control byte, at
 * most 255 bytes. Dots are fine anywhere else: TUF role names may contain
 * `..` or start or end with `.` (`1...%2Fdelegatedrole.json` is one file).
 */
export function isSafeStoreName(name: string): boolean {
  if (name.length === 0 || name === '.' || name === '..' || Buffer.byteLength(name) > 255) return false;
  return !/[/\\\x00-\x1f\x7f]/.test(name);
}
