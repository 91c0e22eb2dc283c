// The deploy gate end to end: a real HTTPS `signet admission serve` process
// (openssl certificates), a real registry with real images, AdmissionReviews
// of kubectl-made objects. Deny/allow/patch per workload kind, a re-pointed
// tag, a revocation seen by a warm session, an expired timestamp, an unsigned init container,
// rules (audit, exempt), an uncovered image, a registry down, a slow
// registry against the budget, certificate rotation, graceful shutdown.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer, connect, type Server } from 'node:net';
import { join } from 'node:path';
import { RegistryClient } from '../../src/registry/registry-client.js';
import type { TrustRepository } from '../../src/trust/trust-repository.js';
import { freePort, startRegistry, type RegistryServer } from '../support/registry-server.js';
import { buildImage, pushImage, type BuiltImage } from '../support/oci-images.js';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import { kubectlCronJob, kubectlDeployment, kubectlFromTemplate, kubectlJob, kubectlPod, withExtraContainer, type K8sObject } from '../support/kubectl.js';
import { createFixture, type Fixture } from '../trust/repository-fixture.js';
import { admissionReview, httpsRequest, makeCertificate, servedFingerprint, startGate, type GateProcess } from '../support/admission-server.js';

let reg: RegistryServer;
let s: SignetEnv;
let gate: GateProcess;
let ca: string;
let slow: Server;
let slowPort: number;
let downPort: number;
let downAuditPort: number;
const certDir = () => join(s.dir, 'tls');
const deployerHome = () => join(s.dir, 'deployer');
let brief: Fixture;
const images = new Map<string, BuiltImage>();
const ref = (path: string, host = reg.host) => `${host}/${path}`;
const digestOf = (key: string) => images.get(key)!.descriptor.digest;

beforeAll(async () => {
  [reg, s, downPort, downAuditPort] = await Promise.all([startRegistry(), makeSignetEnv(), freePort(), freePort()]);
  const client = new RegistryClient();
  for (const repo of ['team/app', 'team/side', 'team/init', 'team/unsigned', 'team/revoked', 'team/moved', 'other/app', 'brief/app']) {
    const image = buildImage(`${repo}:1.0`);
    images.set(`${repo}:1.0`, image);
    await pushImage(client, { registry: reg.host, repository: repo }, '1.0', image);
  }
  await client.close();
  const init = await s.cli(['init', join(s.dir, 'trust'), '--scope', 'team/*', '--json']);
  expect(init.code, init.stderr).toBe(0);
  const rootPath = (JSON.parse(init.stdout) as { rootPath: string }).rootPath;
  const sign = await s.cli(['sign', ...['app', 'side', 'init', 'revoked', 'moved'].map((n) => ref(`team/${n}:1.0`))]);
  expect(sign.code, sign.stderr).toBe(0);
  // A second trust repository whose timestamps live 8 s (the CLI refuses under 1 minute, so the
  // library writes it): its publisher stops running `signet timestamp`.
  brief = await createFixture({ expirySeconds: { timestamp: 8 } });
  const briefRoot = join(s.dir, 'brief-root.json');
  await writeFile(briefRoot, brief.pinnedBytes);

  // The deploy side: only a policy and the pinned root.
  await mkdir(deployerHome(), { recursive: true });
  await writeFile(
    join(deployerHome(), 'policy.json'),
    JSON.stringify({ version: 1, trust: [{ scope: 'team/*', store: join(s.dir, 'trust'), root: rootPath }, { scope: 'brief/*', store: brief.store.location, root: briefRoot }] }),
  );
  await mkdir(certDir(), { recursive: true });
  ca = (await makeCertificate(certDir(), 'first')).cert;
  // A registry that answers, but 3 s late: a TCP proxy in front of the real one.
  slowPort = await freePort();
  slow = createServer((socket) => {
    socket.pause();
    setTimeout(() => {
      const upstream = connect(Number(reg.host.split(':')[1]), '127.0.0.1', () => {
        socket.pipe(upstream).pipe(socket);
        socket.resume();
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    }, 3000);
  });
  await new Promise<void>((r) => slow.listen(slowPort, '127.0.0.1', () => r()));
  const rules = [
    'rules:',
    '  - {namespace: "audit-*", mode: audit}',
    '  - {namespace: kube-system, mode: exempt}',
    `  - {image: "127.0.0.1:${downAuditPort}/**", onError: audit}`,
  ].join('\n');
  await writeFile(join(s.dir, 'admission.yaml'), rules + '\n');
  gate = await startGate(
    ['--cert', join(certDir(), 'tls.crt'), '--key', join(certDir(), 'tls.key'), '--config', join(s.dir, 'admission.yaml'), '--budget', '1500ms', '--refresh-interval', '1s', '--cert-poll', '100ms'],
    { SIGNET_HOME: deployerHome() },
  );
}, 120_000);

afterAll(async () => {
  await gate?.stop();
  slow?.close();
  await Promise.all([reg?.stop(), s?.cleanup(), brief?.cleanup()]);
});

interface Response {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string };
  warnings?: string[];
  patchType?: string;
  patch?: string;
}

async function review(endpoint: 'validate' | 'mutate', object: K8sObject, namespace = 'default'): Promise<Response & { patchOps: Array<{ op: string; path: string; value: string }> }> {
  const sent = admissionReview(object, namespace) as { request: { uid: string } };
  const answer = await httpsRequest(gate.port, ca, 'POST', `/${endpoint}`, sent);
  expect(answer.status, answer.body).toBe(200);
  const doc = JSON.parse(answer.body) as { apiVersion: string; kind: string; response: Response };
  expect({ apiVersion: doc.apiVersion, kind: doc.kind, uid: doc.response.uid }).toEqual({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', uid: sent.request.uid });
  const patchOps = doc.response.patch ? (JSON.parse(Buffer.from(doc.response.patch, 'base64').toString()) as Array<{ op: string; path: string; value: string }>) : [];
  return { ...doc.response, patchOps };
}

/** Apply RFC 6902 replace operations (all the gate emits). */
function applyPatch(object: K8sObject, ops: Array<{ op: string; path: string; value: string }>): K8sObject {
  const copy = structuredClone(object) as Record<string, unknown>;
  for (const op of ops) {
    expect(op.op).toBe('replace');
    const keys = op.path.split('/').slice(1).map((k) => k.replaceAll('~1', '/').replaceAll('~0', '~'));
    let node = copy as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
    expect(typeof node[keys.at(-1)!]).toBe('string');
    node[keys.at(-1)!] = op.value;
  }
  return copy as K8sObject;
}

const signedImages = () => [ref('team/app:1.0'), ref('team/side:1.0')];
const workloads: Array<[string, () => Promise<K8sObject>]> = [
  ['Pod', () => kubectlPod('web', signedImages())],
  ['Deployment', async () => withExtraContainer(await kubectlDeployment('web', signedImages()), 'initContainers', 'init', ref('team/init:1.0'))],
  ['ReplicaSet', () => kubectlFromTemplate('ReplicaSet', 'web', signedImages())],
  ['StatefulSet', () => kubectlFromTemplate('StatefulSet', 'web', signedImages())],
  ['DaemonSet', () => kubectlFromTemplate('DaemonSet', 'web', signedImages())],
  ['Job', () => kubectlJob('web', ref('team/app:1.0'))],
  ['CronJob', () => kubectlCronJob('web', ref('team/app:1.0'))],
];

describe('signed images in every workload kind', () => {
  it.each(workloads)('%s: /validate allows; /mutate pins every image to name@sha256 with a JSONPatch', async (_kind, make) => {
    const object = await make();
    const validated = await review('validate', object);
    expect({ allowed: validated.allowed, status: validated.status, patch: validated.patch }).toEqual({ allowed: true, status: undefined, patch: undefined });
    const mutated = await review('mutate', object);
    expect(mutated.allowed).toBe(true);
    expect(mutated.patchType).toBe('JSONPatch');
    const pinned = JSON.stringify(applyPatch(object, mutated.patchOps));
    expect(pinned).not.toMatch(/team\/[a-z]+:1\.0/);
    for (const name of ['app', 'side', 'init']) {
      if (JSON.stringify(object).includes(ref(`team/${name}:1.0`))) expect(pinned).toContain(`${ref(`team/${name}`)}@${digestOf(`team/${name}:1.0`)}`);
    }
  });
});

describe('images that must not run', () => {
  it('denies an unsigned init container, naming it and the reason', async () => {
    const object = withExtraContainer(await kubectlDeployment('web', signedImages()), 'initContainers', 'setup', ref('team/unsigned:1.0'));
    for (const endpoint of ['validate', 'mutate'] as const) {
      const answer = await review(endpoint, object);
      expect(answer.allowed).toBe(false);
      expect(answer.status?.code).toBe(403);
      expect(answer.status?.message).toMatch(/signet denied 1 image: Deployment\/web initContainers setup \(.*team\/unsigned:1\.0\): .*is not signed/);
      expect(answer.patch).toBeUndefined();
    }
  });

  it('denies an unsigned ephemeral container added to a Pod', async () => {
    const answer = await review('validate', withExtraContainer(await kubectlPod('web', signedImages()), 'ephemeralContainers', 'debug', ref('team/unsigned:1.0')));
    expect(answer.allowed).toBe(false);
    expect(answer.status?.message).toMatch(/ephemeralContainers debug/);
  });

  it('denies a tag re-pointed to other bytes after signing', async () => {
    const client = new RegistryClient();
    await pushImage(client, { registry: reg.host, repository: 'team/moved' }, '1.0', buildImage('attacker'));
    await client.close();
    const answer = await review('validate', await kubectlJob('moved', ref('team/moved:1.0')));
    expect(answer.allowed).toBe(false);
    expect(answer.status?.message).toMatch(/does not match its signature/);
  });

  it('denies an image revoked while the gate is serving, once its session refreshes', async () => {
    const object = await kubectlPod('revoked', [ref('team/revoked:1.0')]);
    expect((await review('validate', object)).allowed).toBe(true);
    const revoke = await s.cli(['revoke', ref('team/revoked:1.0'), '--reason', 'CVE-2026-0001']);
    expect(revoke.code, revoke.stderr).toBe(0);
    await new Promise((r) => setTimeout(r, 1200)); // past --refresh-interval 1s: the next decision refreshes first
    const answer = await review('validate', object);
    expect(answer.allowed).toBe(false);
    expect(answer.status?.message).toMatch(/revoked|CVE-2026-0001|not signed/);
  });

  it('denies an image no trust policy covers', async () => {
    const answer = await review('validate', await kubectlPod('other', [ref('other/app:1.0')]));
    expect(answer.allowed).toBe(false);
    expect(answer.status?.message).toMatch(/no trust repository covers other\/app/);
  });
});

describe('a timestamp that expires while the gate serves', () => {
  it('is denied as expired once the timestamp is past, and admitted again after a new timestamp', async () => {
    const object = await kubectlPod('brief', [ref('brief/app:1.0')]);
    const { digest, size, mediaType } = images.get('brief/app:1.0')!.descriptor;
    const sign = (tag: string) => (repo: TrustRepository) => repo.addTarget({ name: `brief/app:${tag}`, length: size, sha256: digest.slice('sha256:'.length), custom: { mediaType } });
    await brief.update(new Date(), sign('1.0')); // publishes a timestamp valid 8 s
    expect((await review('validate', object)).allowed).toBe(true);
    const expires = Date.parse((JSON.parse(Buffer.from((await brief.store.get('timestamp.json', 1 << 20))!).toString()) as { signed: { expires: string } }).signed.expires);
    await new Promise((r) => setTimeout(r, Math.max(0, expires - Date.now()) + 1500)); // past it, and past --refresh-interval 1s
    for (const endpoint of ['validate', 'mutate'] as const) {
      const answer = await review(endpoint, object);
      expect(answer.allowed).toBe(false);
      expect(answer.status?.message).toMatch(/brief\/app:1\.0.*timestamp.*expired/);
    }
    await brief.update(new Date(), sign('1.1')); // the publisher is back: a new snapshot and timestamp
    await new Promise((r) => setTimeout(r, 2100)); // a failed refresh is retried after min(refresh interval, 2 s)
    expect((await review('validate', object)).allowed).toBe(true);
  }, 60_000);
});

describe('rules per namespace and image', () => {
  it('audit: admits an unsigned image with a Kubernetes warning', async () => {
    const answer = await review('validate', await kubectlPod('web', [ref('team/unsigned:1.0')]), 'audit-dev');
    expect(answer.allowed).toBe(true);
    expect(answer.warnings?.[0]).toMatch(/^signet \(audit\): Pod\/web unsigned .*is not signed/);
  });

  it('exempt: admits without checking', async () => {
    const answer = await review('mutate', await kubectlPod('web', [ref('team/unsigned:1.0')]), 'kube-system');
    expect({ allowed: answer.allowed, warnings: answer.warnings, patch: answer.patch }).toEqual({ allowed: true, warnings: undefined, patch: undefined });
  });
});

describe('failing closed', () => {
  it('denies when the registry is down (inconclusive), and audits instead where the rule says onError: audit', async () => {
    const down = await review('validate', await kubectlPod('web', [ref('team/app:1.0', `127.0.0.1:${downPort}`)]));
    expect(down.allowed).toBe(false);
    expect(down.status?.message).toMatch(new RegExp(`127\\.0\\.0\\.1:${downPort}`));
    const audited = await review('validate', await kubectlPod('web', [ref('team/app:1.0', `127.0.0.1:${downAuditPort}`)]));
    expect(audited.allowed).toBe(true);
    expect(audited.warnings).toHaveLength(1);
  });

  it('denies when the registry answers later than the budget', async () => {
    const answer = await review('validate', await kubectlPod('web', [ref('team/app:1.0', `127.0.0.1:${slowPort}`)]));
    expect(answer.allowed).toBe(false);
    expect(answer.status?.message).toMatch(/took longer than the 1500 ms budget/);
  });
});

describe('operations', () => {
  it('serves /healthz, /readyz and Prometheus /metrics', async () => {
    expect((await httpsRequest(gate.port, ca, 'GET', '/healthz')).status).toBe(200);
    expect((await httpsRequest(gate.port, ca, 'GET', '/readyz')).body).toBe('ready\n');
    const metrics = (await httpsRequest(gate.port, ca, 'GET', '/metrics')).body;
    expect(metrics).toMatch(/signet_admission_decisions_total\{endpoint="validate",outcome="denied"\} [1-9]/);
    expect(metrics).toMatch(/signet_admission_decision_seconds_count [1-9]/);
    expect(metrics).toMatch(/signet_trust_metadata_expiry_timestamp_seconds\{repository=".*trust"\} \d+/);
  });

  it('refuses a body that is not an AdmissionReview with 400', async () => {
    const answer = await httpsRequest(gate.port, ca, 'POST', '/validate', { kind: 'Pod' });
    expect(answer.status).toBe(400);
  });

  it('writes one JSON log line per decision', () => {
    const line = gate.logs().split('\n').find((l) => l.includes('"msg":"denied Deployment/web"'));
    expect(JSON.parse(line!)).toMatchObject({ level: 'warn', kind: 'Deployment', namespace: 'default', allowed: false });
  });

  it('serves a rotated certificate without a restart', async () => {
    const before = await servedFingerprint(gate.port);
    const next = await makeCertificate(certDir(), 'second');
    let after = before;
    for (let i = 0; i < 100 && after === before; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await servedFingerprint(gate.port);
    }
    expect(after).not.toBe(before);
    ca = next.cert;
    expect((await review('validate', await kubectlPod('web', signedImages()))).allowed).toBe(true);
  });

  it('on SIGTERM drains, writes its trusted state back and exits 0', async () => {
    expect(await gate.stop()).toBe(0);
    expect(gate.logs()).toMatch(/"msg":"stopped"/);
    const trusted = join(deployerHome(), 'trusted');
    // State directories are 32 hex digits; `roots/` and `chains/` index the repository identity.
    const [id] = (await readdir(trusted)).filter((name) => /^[0-9a-f]{32}$/.test(name));
    const timestamp = JSON.parse(await readFile(join(trusted, id!, 'timestamp.json'), 'utf8')) as { signed: { version: number } };
    expect(timestamp.signed.version).toBeGreaterThan(1); // the revocation's timestamp, remembered for rollback checks
  });
});
