// One bounded HTTP(S) GET over undici (imported lazily, so local commands never
// load it): refuses bodies over a byte limit even when Content-Length lies,
// follows a capped number of redirects without downgrading https to http.

import { InconclusiveError, UsageError, VerificationError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { VERSION } from '../version.js';

export interface HttpGetOptions {
  /** Refuse (VerificationError `too-large`) a body longer than this. */
  maxBytes: number;
  /** Whole-request deadline, headers and body included (default 60 s; 0: none, for large targets). */
  timeoutMs?: number;
  /** Longest wait for headers or for the next body chunk (default 30 s). */
  idleTimeoutMs?: number;
  /** May any hop use plain http:// to a host that is not loopback? (default: no) */
  allowInsecureHttp?: boolean;
  /** Receive the body chunk by chunk, synchronously, instead of collecting it (large targets). */
  onChunk?: (chunk: Uint8Array) => void;
}

/** Statuses that mean "this file does not exist" rather than "could not check". */
const NOT_FOUND = new Set([404, 410]);
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/**
 * GET `url`. Returns the body (empty when `onChunk` consumed it), or undefined
 * for 404/410. Throws InconclusiveError naming method and URL for network
 * errors, timeouts, 5xx and other unexpected statuses; VerificationError when
 * the body is larger than `maxBytes`.
 */
export async function httpGet(url: URL, options: HttpGetOptions): Promise<Uint8Array | undefined> {
  const { request } = await loadUndici();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const signal = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : new AbortController().signal;
  let current = url;
  for (let hop = 0; ; hop++) {
    checkScheme(current);
    const where = `GET ${displayUrl(current)}`;
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(current, {
        method: 'GET',
        headers: { 'user-agent': `signet/${VERSION}`, accept: '*/*' },
        signal,
        headersTimeout: idleMs,
        bodyTimeout: idleMs,
      });
    } catch (error) {
      throw transportError(where, error, signal, timeoutMs, idleMs);
    }
    const { statusCode, headers, body } = response;
    if (statusCode >= 300 && statusCode < 400 && typeof headers['location'] === 'string') {
      await body.dump().catch(() => undefined);
      if (hop >= LIMITS.maxRedirects) throw new InconclusiveError('too-many-redirects', `${where}: more than ${LIMITS.maxRedirects} redirects`);
      const next = new URL(headers['location'], current);
      if (current.protocol === 'https:' && next.protocol !== 'https:') {
        throw new InconclusiveError('redirect-downgrade', `${where}: refusing a redirect from https to ${displayUrl(next)}`);
      }
      // The plain-HTTP rule of the first hop holds for every hop: loopback, or explicitly allowed.
      if (next.protocol === 'http:' && !isLoopbackHost(next.hostname) && !options.allowInsecureHttp) {
        throw new InconclusiveError('insecure-redirect', `${where}: refusing a redirect to plain http on ${next.host}, which is not loopback (${displayUrl(next)}); allow insecure http explicitly if this is intended`);
      }
      current = next;
      continue;
    }
    if (NOT_FOUND.has(statusCode)) {
      await body.dump().catch(() => undefined);
      return undefined;
    }
    if (statusCode !== 200) {
      await body.dump().catch(() => undefined);
      throw new InconclusiveError('http-status', `${where} answered ${statusCode}`);
    }
    const declared = Number(headers['content-length']);
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      discard(body);
      throw new VerificationError('too-large', `${where}: the server announces ${declared} bytes, more than the ${options.maxBytes}-byte limit`);
    }
    return readBody(body, where, options, (error) => transportError(where, error, signal, timeoutMs, idleMs));
  }
}

type Body = NodeJS.ReadableStream & { destroy(error?: Error): unknown };

/** Stop reading a body we refuse; the abort undici reports for it is expected, not an error. */
function discard(body: Body): void {
  body.on('error', () => undefined);
  body.destroy();
}

/**
 * Read the body in flowing mode, handing each chunk on synchronously. The
 * body must never sit paused under backpressure: undici 7 crashes the process
 * (an uncatchable assertion, nodejs/undici#5360) when a server closes the
 * connection while the parser is paused, as HTTP/1.0 servers do.
 */
function readBody(body: Body, where: string, options: HttpGetOptions, transport: (error: unknown) => InconclusiveError): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      discard(body);
      reject(error instanceof VerificationError || error instanceof UsageError ? error : transport(error));
    };
    body.on('data', (chunk: Buffer) => {
      if (settled) return;
      total += chunk.length;
      // Counted as received: a lying or absent Content-Length cannot push us past the limit.
      if (total > options.maxBytes) {
        fail(new VerificationError('too-large', `${where}: the body is larger than the ${options.maxBytes}-byte limit`));
        return;
      }
      try {
        if (options.onChunk) options.onChunk(chunk);
        else chunks.push(chunk);
      } catch (error) {
        fail(error);
      }
    });
    body.on('error', fail);
    body.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks));
    });
  });
}

function transportError(where: string, error: unknown, signal: AbortSignal, timeoutMs: number, idleMs: number): InconclusiveError {
  if (error instanceof InconclusiveError) return error;
  if (signal.aborted) return new InconclusiveError('timeout', `${where}: no complete answer within ${timeoutMs} ms`, { cause: error });
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new InconclusiveError('timeout', `${where}: the server sent nothing for ${idleMs} ms`, { cause: error });
  }
  const reason = error instanceof Error ? (code ?? error.message) : String(error);
  return new InconclusiveError('network', `${where} failed: ${reason}`, { cause: error });
}

type Undici = typeof import('undici');

/**
 * undici, loaded on first use. Under Node it has named exports; in the
 * esbuild bundle a lazily imported CommonJS chunk only has `default`.
 */
async function loadUndici(): Promise<Undici> {
  const module = (await import('undici')) as Undici & { default?: Undici };
  return typeof module.request === 'function' ? module : module.default!;
}

function checkScheme(url: URL): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError('bad-url', `${displayUrl(url)} is not an http(s) URL`);
  }
}

/** The URL without credentials, for messages. */
export function displayUrl(url: URL): string {
  if (!url.username && !url.password) return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

/** True for localhost and loopback addresses (plain HTTP is acceptable there). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
