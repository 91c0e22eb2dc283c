// Writing a blob's bytes to its temp file while the response body streams:
// chunks are gathered into large batches and written at their offset on the
// thread pool, so the disk works while the main thread reads and hashes.
// The body is never paused (flowing-body.ts): when too much waits for the
// disk, a batch is written synchronously, which holds the reader until it
// catches up, so memory stays bounded.

import { writev, writevSync } from 'node:fs';
import { VerificationError } from '../errors.js';

/** Bytes gathered before a write is issued (a few syscalls per MiB instead of one per 64 KiB chunk). */
const BATCH_BYTES = 1 << 20;
/** Bytes handed to the disk and not yet written, beyond which writes turn synchronous. */
const MAX_IN_FLIGHT_BYTES = 32 << 20;
/**
 * Chunks smaller than this are copied into a shared buffer of COALESCE_BYTES
 * instead of being held one by one: a server that sends 1-byte chunks would
 * otherwise have a batch hold a million Buffer objects (hundreds of MiB).
 */
const SMALL_CHUNK = 16 << 10;
const COALESCE_BYTES = 64 << 10;

/**
 * Write every chunk of one blob, in order, to `fd` (opened for writing, empty).
 * `write` takes each chunk as it arrives and never blocks on the disk unless
 * MAX_IN_FLIGHT_BYTES are already waiting; `finish` resolves once every byte
 * is written (it does not fsync or close). Contract: a chunk must not be
 * changed after `write` (undici hands out a fresh buffer per socket read),
 * so the bytes written are the bytes the caller hashed.
 */
export class BlobFileWriter {
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private small: Buffer | undefined;
  private smallUsed = 0;
  private written = 0;
  private inFlight = 0;
  private readonly writes: Array<Promise<void>> = [];
  private failure: unknown;

  /** `maxBytes`: the signed length; a write beyond it throws (the caller checks first, this is the backstop). */
  constructor(private readonly fd: number, private readonly maxBytes: number) {}

  /** Queue `chunk` after the bytes before it. Throws an earlier write's error, or when past `maxBytes`. */
  write(chunk: Buffer): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.written + this.batchBytes + chunk.length > this.maxBytes) {
      throw new VerificationError('size-mismatch', `refusing to write more than the ${this.maxBytes} signed bytes`);
    }
    if (chunk.length < SMALL_CHUNK) {
      if (this.small === undefined || this.smallUsed + chunk.length > this.small.length) {
        this.sealSmall();
        this.small = Buffer.allocUnsafe(COALESCE_BYTES);
      }
      chunk.copy(this.small, this.smallUsed);
      this.smallUsed += chunk.length;
    } else {
      this.sealSmall();
      this.batch.push(chunk);
    }
    this.batchBytes += chunk.length;
    if (this.batchBytes >= BATCH_BYTES) this.flush();
  }

  /** Buffers held for the next write (bounded whatever the chunk sizes: ~BATCH_BYTES / SMALL_CHUNK + 1). */
  get heldBuffers(): number {
    return this.batch.length + (this.smallUsed > 0 ? 1 : 0);
  }

  /** Close the coalescing buffer into the batch, keeping the order of the bytes. */
  private sealSmall(): void {
    if (this.small !== undefined && this.smallUsed > 0) this.batch.push(this.small.subarray(0, this.smallUsed));
    this.small = undefined;
    this.smallUsed = 0;
  }

  /** Every queued byte written; rejects with the first write error. */
  async finish(): Promise<void> {
    if (this.failure === undefined && this.batchBytes > 0) this.flush();
    await this.settled();
    if (this.failure !== undefined) throw this.failure;
  }

  /** Wait until no write is in flight (before closing the file on any path: never close under a pending write). */
  async settled(): Promise<void> {
    while (this.writes.length > 0) await Promise.allSettled(this.writes.splice(0));
  }

  private flush(): void {
    this.sealSmall();
    const buffers = this.batch;
    const at = this.written;
    const length = this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
    this.written += length;
    if (this.inFlight + length > MAX_IN_FLIGHT_BYTES) {
      writeAllSync(this.fd, buffers, at);
      return;
    }
    this.inFlight += length;
    this.writes.push(
      writeAll(this.fd, buffers, at).then(
        () => {
          this.inFlight -= length;
        },
        (error: unknown) => {
          this.inFlight -= length;
          this.failure ??= error;
        },
      ),
    );
  }
}

/** `buffers` minus the first `done` bytes (a short write). */
function rest(buffers: Buffer[], done: number): Buffer[] {
  const out: Buffer[] = [];
  let skip = done;
  for (const b of buffers) {
    if (skip >= b.length) {
      skip -= b.length;
      continue;
    }
    out.push(skip > 0 ? b.subarray(skip) : b);
    skip = 0;
  }
  return out;
}

async function writeAll(fd: number, buffers: Buffer[], position: number): Promise<void> {
  let left = buffers;
  let at = position;
  while (left.length > 0) {
    const n = await new Promise<number>((resolve, reject) => writev(fd, left, at, (error, bytes) => (error ? reject(error) : resolve(bytes))));
    if (n === 0) throw new Error(`the disk took no bytes writing at offset ${at}`);
    at += n;
    left = rest(left, n);
  }
}

function writeAllSync(fd: number, buffers: Buffer[], position: number): void {
  let left = buffers;
  let at = position;
  while (left.length > 0) {
    const n = writevSync(fd, left, at);
    if (n === 0) throw new Error(`the disk took no bytes writing at offset ${at}`);
    at += n;
    left = rest(left, n);
  }
}
