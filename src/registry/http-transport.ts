// HTTP for the registry client, over undici: keep-alive connections, timeouts,
// a concurrency limit, bounded retries with backoff (429, 5xx, resets) and
// redirects that drop credentials when they leave the origin. It does no
// verification; network failures become InconclusiveError (exit 3).

import type { Dispatcher } from './undici-core.js';
import { createDispatcher } from './proxy-dispatcher.js';
import { InconclusiveError, SignetError, VerificationError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { DEFAULT_DEADLINE_MS, DEFAULT_MIN_BYTES_PER_SECOND, type RegistryClientOptions } from './registry-options.js';
import { Limiter } from './limiter.js';
import { drainFlowing } from './flowing-body.js';

export type Method = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
export type Headers = Record<string, string>;

export interface HttpRequest {
  method: Method;
  url: URL;
  headers?: Headers;
  body?: Uint8Array;
  /** Headers that carry credentials; sent only to the origin of `url`. */
  auth?: Headers;
  /** May a redirect go to http: on this host? (plain-HTTP policy, decided by the caller) */
  allowHttp?: (url: URL) => boolean;
  /** Send once, no retry (a probe whose failure is an answer). */
  once?: boolean;
}

/** Per-exchange settings. */
export interface ExchangeOptions {
  /** Bytes the body is expected to carry (a blob's size): the deadline grows with it. */
  expectedBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The URL that answered (after redirects). */
  url: URL;
  body: Dispatcher.ResponseData['body'];
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRY_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED']);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const MAX_RETRY_AFTER_MS = 10_000;
/** OpenSSL verification failures: the peer spoke TLS but we could not trust it. */
const TLS_TRUST_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME|LEAF_SIGNATURE/;

/** A URL fit for messages: no user info, no query (signed URLs carry secrets there). */
export function redactUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

export function header(res: Pick<HttpResponse, 'headers'>, name: string): string | undefined {
  const value = res.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function errorCode(error: unknown): string {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e instanceof Error; depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
    if (typeof code === 'string' && !(e.cause instanceof Error)) return code;
    e = e.cause;
  }
  return error instanceof Error ? error.message : String(error);
}

const SOCKET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EPROTO', 'EHOSTUNREACH', 'ENETUNREACH']);

function isNetworkFailure(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && (code.startsWith('UND_ERR') || SOCKET_CODES.has(code));
}

/** Turn a network failure into "could not reach": method, URL and the system error code. */
export function networkError(method: string, url: URL, error: unknown): SignetError {
  if (error instanceof SignetError) return error;
  const code = errorCode(error);
  if (TLS_TRUST_CODES.test(code)) {
    return new InconclusiveError('registry-tls', `the TLS certificate of ${url.host} is not trusted (${code}) on ${method} ${redactUrl(url)}; pass --ca-file with the registry's CA certificate (or set SSL_CERT_FILE)`, { cause: error });
  }
  const timeout = /TIMEOUT/.test(code);
  return new InconclusiveError(
    timeout ? 'registry-timeout' : 'registry-unreachable',
    `could not reach the registry at ${url.host}: ${method} ${redactUrl(url)} ${timeout ? 'timed out' : 'failed'} (${code}); check the address and that the registry is running`,
    { cause: error },
  );
}

/** The whole-request deadline passed: name the slow host and the knob. */
export function deadlineError(method: string, url: URL, ms: number, cause?: unknown): InconclusiveError {
  const seconds = Math.round(ms / 100) / 10;
  return new InconclusiveError(
    'registry-timeout',
    `${url.host} was too slow: ${method} ${redactUrl(url)} did not complete within ${seconds} s; check the registry, or allow more time with --timeout (or SIGNET_TIMEOUT)`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * `request`, or a rejection as soon as `signal` aborts: undici does not abort a
 * request still connecting (a host that accepts TCP and never finishes TLS), so
 * the deadline would otherwise wait for the connect timeout.
 */
function untilAborted(request: Promise<Dispatcher.ResponseData>, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
  if (signal.aborted) {
    request.then((late) => late.body.destroy(), () => undefined);
    return Promise.reject(new Error('deadline passed'));
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      request.then((late) => late.body.destroy(), () => undefined);
      reject(new Error('deadline passed'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    request.then(
      (data) => {
        signal.removeEventListener('abort', onAbort);
        resolve(data);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Drop a response body we are done with (an unread body is aborted, never left to leak). */
function release(res: HttpResponse): void {
  res.body.on('error', () => undefined);
  if (!res.body.destroyed) res.body.destroy();
}

/** Wait `ms`, or less when `signal` aborts first. */
const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
  const timer = setTimeout(done, ms);
  function done() {
    clearTimeout(timer);
    signal.removeEventListener('abort', done);
    resolve();
  }
  signal.addEventListener('abort', done, { once: true });
});

export class HttpTransport {
  private readonly dispatcher: Dispatcher;
  private readonly limiter: Limiter;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private readonly userAgent: string;
  private readonly deadlineMs: number;
  private readonly minBytesPerSecond: number;

  constructor(options: RegistryClientOptions = {}) {
    const timeout = options.timeoutMs ?? 30_000;
    const connect = { timeout: Math.min(options.connectTimeoutMs ?? 10_000, options.deadlineMs ?? DEFAULT_DEADLINE_MS) };
    const agent = { connect, headersTimeout: timeout, bodyTimeout: timeout, keepAliveTimeout: 30_000, connections: 16 };
    this.dispatcher = createDispatcher({ agent, ...(options.caCertificates ? { caCertificates: options.caCertificates } : {}), ...(options.proxy ? { proxy: options.proxy } : {}) });
    this.limiter = new Limiter(options.concurrency ?? 8);
    this.maxAttempts = Math.max(1, Math.min(options.maxAttempts ?? LIMITS.maxAttempts, 10));
    this.retryDelayMs = options.retryDelayMs ?? 250;
    this.userAgent = options.userAgent ?? 'signet';
    this.deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.minBytesPerSecond = options.minBytesPerSecond ?? DEFAULT_MIN_BYTES_PER_SECOND;
  }

  /**
   * Send `request` (following redirects, retrying 429/5xx/resets) and hand the
   * response to `handle` while holding a concurrency slot. The body is always
   * released afterwards. Throws InconclusiveError when the registry cannot be reached.
   */
  async exchange<T>(request: HttpRequest, handle: (res: HttpResponse) => Promise<T>, options: ExchangeOptions = {}): Promise<T> {
    return this.limiter.run(async () => {
      // The deadline starts once a slot is ours: time queued behind bulk work is not the registry's.
      const ms = this.deadlineMs + Math.ceil(((options.expectedBytes ?? 0) / this.minBytesPerSecond) * 1000);
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), ms);
      const overdue = (error: unknown) => (deadline.signal.aborted ? deadlineError(request.method, request.url, ms, error) : error);
      try {
        let res: HttpResponse;
        try {
          res = await this.sendWithRetries(request, deadline.signal);
        } catch (error) {
          throw overdue(error);
        }
        try {
          return await handle(res);
        } catch (error) {
          if (deadline.signal.aborted) throw deadlineError(request.method, res.url, ms, error);
          // Only failures of the connection become "could not reach"; a sink's own
          // error (disk full) must not be blamed on the registry.
          throw isNetworkFailure(error) ? networkError(request.method, res.url, error) : error;
        } finally {
          release(res);
        }
      } finally {
        clearTimeout(timer);
      }
    });
  }

  private async sendWithRetries(request: HttpRequest, signal: AbortSignal): Promise<HttpResponse> {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.maxAttempts || request.once === true;
      let res: HttpResponse;
      try {
        res = await this.sendFollowingRedirects(request, signal);
      } catch (error) {
        if (signal.aborted) throw error;
        if (last || !RETRY_CODES.has(errorCode(error))) throw networkError(request.method, request.url, error);
        await sleep(this.backoff(attempt), signal);
        if (signal.aborted) throw error;
        continue;
      }
      if (last || !RETRY_STATUS.has(res.status)) return res;
      const retryAfter = Number(header(res, 'retry-after'));
      release(res);
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, MAX_RETRY_AFTER_MS) : this.backoff(attempt), signal);
      if (signal.aborted) throw networkError(request.method, request.url, new Error('deadline passed while waiting to retry'));
    }
  }

  private backoff(attempt: number): number {
    return this.retryDelayMs * 2 ** (attempt - 1) + Math.floor(Math.random() * this.retryDelayMs);
  }

  private async sendFollowingRedirects(request: HttpRequest, signal: AbortSignal): Promise<HttpResponse> {
    const origin = request.url.origin;
    let url = request.url;
    let method = request.method;
    for (let hop = 0; ; hop++) {
      const sameOrigin = url.origin === origin;
      const headers: Headers = { 'user-agent': this.userAgent, ...request.headers, ...(sameOrigin ? request.auth : {}) };
      const body = method === 'GET' || method === 'HEAD' ? undefined : request.body;
      const data = await untilAborted(this.dispatcher.request({ origin: url.origin, path: `${url.pathname}${url.search}`, method, headers, signal, ...(body ? { body } : {}) }), signal);
      const res: HttpResponse = { status: data.statusCode, headers: data.headers, url, body: data.body };
      const location = header(res, 'location');
      if (!REDIRECT_STATUS.has(res.status) || !location || (method !== 'GET' && method !== 'HEAD')) return res;
      release(res);
      if (hop >= LIMITS.maxRedirects) {
        throw new InconclusiveError('too-many-redirects', `${request.method} ${redactUrl(request.url)} redirected more than ${LIMITS.maxRedirects} times`);
      }
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && !(next.protocol === 'http:' && request.allowHttp?.(next))) {
        throw new InconclusiveError('insecure-redirect', `${request.method} ${redactUrl(request.url)} redirected to ${redactUrl(next)}, which is not HTTPS; refused`);
      }
      // Credentials never follow a redirect to another origin (RFC 9110 15.4; docker does the same).
      url = next;
      if (res.status === 303) method = 'GET';
    }
  }

  /** Release every connection at once: nothing of ours is in flight by now, and a connect still pending must not keep the process alive. */
  async close(): Promise<void> {
    await this.dispatcher.destroy();
  }
}

/**
 * Read a whole body, refusing more than `maxBytes` and more than the declared
 * Content-Length. Throws VerificationError('too-large' | 'body-too-long').
 */
export async function readBounded(res: HttpResponse, maxBytes: number, what: string): Promise<Buffer> {
  const declaredText = header(res, 'content-length');
  const declared = declaredText === undefined ? undefined : Number(declaredText);
  if (declared !== undefined && declared > maxBytes) {
    throw new VerificationError('too-large', `${what} is ${declared} bytes, more than the ${maxBytes}-byte limit (${redactUrl(res.url)})`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  await drainFlowing(res.body, (chunk) => {
    total += chunk.length;
    if (total > maxBytes) throw new VerificationError('too-large', `${what} is more than the ${maxBytes}-byte limit (${redactUrl(res.url)})`);
    if (declared !== undefined && total > declared) throw new VerificationError('body-too-long', `${what} is longer than its declared ${declared} bytes (${redactUrl(res.url)})`);
    chunks.push(chunk);
  });
  return Buffer.concat(chunks, total);
}
