// Test support for the deploy gate: openssl-made certificates, the gate as a
// real HTTPS child process (`node dist/signet.mjs admission serve`), and
// AdmissionReviews sent the way the API server sends them.

import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:https';
import { connect } from 'node:tls';
import { rename, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { run } from './registry-server.js';

export const OPENSSL = '/usr/bin/openssl';

/** A self-signed certificate for 127.0.0.1 (cert.pem, key.pem in `dir`, written atomically). */
export async function makeCertificate(dir: string, label: string): Promise<{ cert: string; key: string }> {
  if (!existsSync(OPENSSL)) throw new Error(`${OPENSSL} is missing; install it with: apt-get install -y openssl`);
  const tmpCert = join(dir, `.${label}.crt`);
  const tmpKey = join(dir, `.${label}.key`);
  await run(OPENSSL, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=signet-test-${label}`, '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', tmpKey, '-out', tmpCert]);
  const cert = join(dir, 'tls.crt');
  const key = join(dir, 'tls.key');
  await rename(tmpKey, key);
  await rename(tmpCert, cert);
  return { cert: await readFile(cert, 'utf8'), key };
}

export interface GateProcess {
  port: number;
  child: ChildProcess;
  /** stderr so far (JSON log lines). */
  logs(): string;
  stop(): Promise<number | null>;
}

export async function startGate(args: string[], env: Record<string, string>): Promise<GateProcess> {
  const child = spawn(process.execPath, [join(process.cwd(), 'dist', 'signet.mjs'), 'admission', 'serve', '--listen', '127.0.0.1:0', ...args], { env: { ...env, PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the gate did not start:\n${stderr}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const found = /"msg":"listening".*?"port":(\d+)/.exec(stderr);
      if (found) {
        clearTimeout(timer);
        resolve(Number(found[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`the gate exited with ${code}:\n${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    port,
    child,
    logs: () => stderr,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface Answer {
  status: number;
  body: string;
}

export function httpsRequest(port: number, ca: string, method: string, path: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request({ host: '127.0.0.1', port, method, path, ca, agent: false, headers: data ? { 'content-type': 'application/json', 'content-length': data.length } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** The certificate the server presents (PEM-independent: its fingerprint). */
export function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}

const RESOURCES = new Map([
  ['Pod', ['', 'pods']],
  ['Deployment', ['apps', 'deployments']],
  ['ReplicaSet', ['apps', 'replicasets']],
  ['StatefulSet', ['apps', 'statefulsets']],
  ['DaemonSet', ['apps', 'daemonsets']],
  ['Job', ['batch', 'jobs']],
  ['CronJob', ['batch', 'cronjobs']],
]);

/** An admission.k8s.io/v1 AdmissionReview for creating `object` in `namespace`, as the API server sends it. */
export function admissionReview(object: Record<string, unknown> & { kind: string; metadata: { name: string } }, namespace: string): unknown {
  const [group, resource] = RESOURCES.get(object.kind) ?? ['', 'unknown'];
  const gvk = { group, version: 'v1', kind: object.kind };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: randomUUID(),
      kind: gvk,
      resource: { group, version: 'v1', resource },
      requestKind: gvk,
      requestResource: { group, version: 'v1', resource },
      name: object.metadata.name,
      namespace,
      operation: 'CREATE',
      userInfo: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
      object: { ...object, metadata: { ...object.metadata, namespace } },
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  };
}
