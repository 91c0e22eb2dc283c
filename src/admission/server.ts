// `signet admission serve`: the HTTPS front end of the deploy gate.
// POST /validate and /mutate take AdmissionReviews; GET /healthz, /readyz
// and /metrics serve operations. The certificate is reloaded when its files
// change (cert-manager rotates them); close() drains in-flight reviews and
// writes every warm session's trusted state back.

import { createServer, type Server } from 'node:https';
import { createSecureContext } from 'node:tls';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { admissionResponse, parseAdmissionReview } from './admission-review.js';
import type { Gate } from './gate.js';
import { GateMetrics } from './metrics.js';
import { SignetError } from '../errors.js';
import { LIMITS } from '../limits.js';

export interface ServeOptions {
  host: string;
  port: number;
  certFile: string;
  keyFile: string;
  gate: Gate;
  metrics: GateMetrics;
  /** One structured log record (the CLI writes JSON lines to stderr). */
  log: (record: Record<string, unknown>) => void;
  /** How often to look at the certificate files (ms). */
  certPollMs?: number;
  /** How long close() waits for in-flight reviews (ms). */
  drainMs?: number;
}

export interface AdmissionServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startAdmissionServer(options: ServeOptions): Promise<AdmissionServer> {
  const { gate, metrics, log } = options;
  let ready = true;
  let inflight = 0;
  let drained: (() => void) | undefined;
  const server: Server = createServer({ cert: readFileSync(options.certFile), key: readFileSync(options.keyFile) }, (req, res) => {
    inflight++;
    handle(req, res)
      .catch((error: unknown) => {
        log({ level: 'error', msg: 'request failed', path: req.url, error: error instanceof Error ? error.message : String(error) });
        if (!res.headersSent) reply(res, 500, 'text/plain', 'internal error\n');
      })
      .finally(() => {
        inflight--;
        if (inflight === 0) drained?.();
      });
  });
  server.keepAliveTimeout = 30_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return reply(res, 200, 'text/plain', 'ok\n');
    if (req.method === 'GET' && path === '/readyz') return reply(res, ready ? 200 : 503, 'text/plain', ready ? 'ready\n' : 'shutting down\n');
    if (req.method === 'GET' && path === '/metrics') return reply(res, 200, 'text/plain; version=0.0.4', metrics.render(gate.status(), gate.tagStats()));
    if (req.method !== 'POST' || (path !== '/validate' && path !== '/mutate')) return reply(res, 404, 'text/plain', 'not found\n');
    const endpoint = path.slice(1);
    const started = process.hrtime.bigint();
    const body = await readBody(req, LIMITS.admissionReviewBytes);
    if (body === undefined) return reply(res, 413, 'text/plain', `AdmissionReview larger than ${LIMITS.admissionReviewBytes} bytes\n`);
    let request: ReturnType<typeof parseAdmissionReview>;
    try {
      request = parseAdmissionReview(body);
    } catch (error) {
      metrics.decision(endpoint, 'error', 0);
      return reply(res, 400, 'text/plain', `${error instanceof SignetError ? error.message : 'bad request'}\n`);
    }
    const now = new Date();
    const decision = await gate.decide(request.object, request.namespace, now, endpoint === 'mutate' ? 'mutate' : 'validate');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const outcome = !decision.allowed ? 'denied' : decision.warnings.length > 0 ? 'audited' : 'allowed';
    metrics.decision(endpoint, outcome, seconds);
    for (const image of decision.images) metrics.image(image.outcome);
    log({
      level: decision.allowed ? 'info' : 'warn',
      msg: `${outcome} ${request.kind}/${request.name}`,
      endpoint,
      uid: request.uid,
      kind: request.kind,
      namespace: request.namespace,
      name: request.name,
      operation: request.operation,
      allowed: decision.allowed,
      ms: Math.round(seconds * 1e6) / 1e3,
      images: decision.images.map((i) => ({
        container: i.site.container,
        field: i.site.field,
        image: i.site.image,
        outcome: i.outcome,
        ...(i.digest ? { digest: i.digest } : {}),
        ...(i.error ? { code: i.error.code, reason: i.error.message } : {}),
      })),
    });
    reply(res, 200, 'application/json', JSON.stringify(admissionResponse(request.uid, decision, endpoint === 'mutate')));
  }

  // TLS reload: poll the files (robust to the symlink swaps of mounted Secrets); keep the old pair until a new one loads.
  const pollMs = options.certPollMs ?? 2000;
  const reload = () => {
    try {
      const pair = { cert: readFileSync(options.certFile), key: readFileSync(options.keyFile) };
      createSecureContext(pair); // throws for a mismatched or half-written pair
      server.setSecureContext(pair);
      log({ level: 'info', msg: 'reloaded the TLS certificate', cert: options.certFile });
    } catch (error) {
      log({ level: 'warn', msg: 'TLS certificate files changed but do not load yet; keeping the current one', error: error instanceof Error ? error.message : String(error) });
    }
  };
  watchFile(options.certFile, { interval: pollMs, persistent: false }, reload);
  watchFile(options.keyFile, { interval: pollMs, persistent: false }, reload);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    async close() {
      ready = false;
      unwatchFile(options.certFile);
      unwatchFile(options.keyFile);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inflight > 0) {
        await Promise.race([new Promise<void>((resolve) => (drained = resolve)), new Promise((r) => setTimeout(r, options.drainMs ?? 10_000).unref())]);
      }
      server.closeAllConnections();
      await closed;
      await gate.close();
    },
  };
}

function reply(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The whole body as text, or undefined when it exceeds `max` bytes (the rest is read and dropped, never kept). */
function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > max ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
