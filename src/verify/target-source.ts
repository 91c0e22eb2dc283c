// Where target files come from when a TUF client downloads them (signet tuf
// download): an HTTP(S) base URL or a directory. Transport only: the length
// and hashes are checked by tuf-js against the signed target entry.

export interface TargetSource {
  /** A human-readable location for messages, without credentials. */
  readonly location: string;
  /**
   * Stream the file at `path` (URL-encoded, `/`-separated, relative to the
   * source) to `onChunk`, which consumes each chunk synchronously. Returns false when it does not exist. Refuses more
   * than `maxBytes` (VerificationError `too-large`).
   */
  fetch(path: string, maxBytes: number, onChunk: (chunk: Uint8Array) => void): Promise<boolean>;
}
