// The one check of received content against a signed target entry (TUF 5.7.3):
// its length and every hash signet knows, for bytes held in memory or a
// stream read chunk by chunk. Files, `signet tuf download` and bundles use it.

import { createHash, type Hash } from 'node:crypto';
import { VerificationError } from '../errors.js';

/** Hash algorithms signet computes and checks; a signed entry needs at least one of them. */
export const KNOWN_HASHES = ['sha256', 'sha512'] as const;
export type HashAlgorithm = (typeof KNOWN_HASHES)[number];

/** What a signed target entry promises about the content. */
export interface SignedContent {
  length: number;
  hashes: Readonly<Record<string, string>>;
}

/** What was actually received: its length and (hex) hashes. */
export interface ReceivedContent {
  length: number;
  hashes: Partial<Record<HashAlgorithm, string>>;
}

/**
 * Feed chunks with `update`, then `finish`. Throws VerificationError
 * `too-large` as soon as more than the signed length arrives (never reads
 * trailing bytes), `target-mismatch` when the length or a hash differs, and
 * `weak-target-hashes` when the entry signs neither sha256 nor sha512.
 * `what` names the content in messages ("file ./app.tar.gz").
 */
export class ContentCheck {
  private received = 0;
  private readonly hashers: Array<[HashAlgorithm, Hash]> = [];

  constructor(
    private readonly expected: SignedContent,
    private readonly what: string,
  ) {
    for (const alg of KNOWN_HASHES) if (Object.hasOwn(expected.hashes, alg)) this.hashers.push([alg, createHash(alg)]);
    if (this.hashers.length === 0) {
      throw new VerificationError('weak-target-hashes', `${what}: its signed entry has no sha256 or sha512 hash (only: ${Object.keys(expected.hashes).join(', ') || 'none'})`);
    }
  }

  update(chunk: Uint8Array): void {
    this.received += chunk.length;
    // TUF 5.7.3: never accept more than the signed length (endless data).
    if (this.received > this.expected.length) {
      throw new VerificationError('too-large', `${this.what} is longer than its signed length of ${this.expected.length} bytes`);
    }
    for (const [, hash] of this.hashers) hash.update(chunk);
  }

  /** Throws unless the length and every known signed hash match; returns what was received. */
  finish(): ReceivedContent {
    const found: ReceivedContent = { length: this.received, hashes: {} };
    for (const [alg, hash] of this.hashers) found.hashes[alg] = hash.digest('hex');
    const signed = this.expected;
    const mismatched = KNOWN_HASHES.find((alg) => found.hashes[alg] !== undefined && found.hashes[alg] !== signed.hashes[alg]);
    if (found.length !== signed.length || mismatched) {
      const alg = mismatched ?? this.hashers[0]![0];
      throw new VerificationError(
        'target-mismatch',
        `${this.what} does not match its signed length and hashes: signed ${alg}:${signed.hashes[alg]} (${signed.length} bytes), found ${alg}:${found.hashes[alg]} (${found.length} bytes)`,
      );
    }
    return found;
  }
}

/** Check bytes held in memory. */
export function checkBytes(bytes: Uint8Array, expected: SignedContent, what: string): ReceivedContent {
  const check = new ContentCheck(expected, what);
  check.update(bytes);
  return check.finish();
}

/** Check a stream of chunks; stops reading at the first byte past the signed length. */
export async function checkStream(chunks: AsyncIterable<Uint8Array>, expected: SignedContent, what: string): Promise<ReceivedContent> {
  const check = new ContentCheck(expected, what);
  for await (const chunk of chunks) check.update(chunk);
  return check.finish();
}
