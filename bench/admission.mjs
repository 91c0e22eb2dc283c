// The deploy gate under load (issue 16), one section of `npm run bench`:
// `signet admission serve` as a real HTTPS process on 127.0.0.1, driven by
// wrk (50 connections, POST bodies from a Lua script) with AdmissionReviews
// of Pods holding 3 images of a 1,000-tag repository, by tag and by digest.
// Reports p50/p99, requests/s, failures, the gate's memory after the runs,
// and the same decisions made by one `signet verify` process per image.
// Never asserted; run alone with `node bench/admission.mjs` (after a build).

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pushBase, pushTags, tagNames } from './support/images.mjs';
import { median, run, runAsync } from './support/measure.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SIGNET = join(ROOT, 'dist', 'signet.mjs');
const TAGS = 1000;
const CONNECTIONS = 50;
const BODIES = 300;

/**
 * `registry` is { host, url } of a running docker-registry; `env` carries
 * SIGNET_PASSPHRASE for signing. Returns the figures for `admissionSection`.
 */
export async function benchAdmission({ registry, work, env, log, quick = false }) {
  const seconds = quick ? 4 : 12;
  const dir = join(work, 'admission');
  const publisher = join(dir, 'publisher');
  const gateHome = join(dir, 'gate-home');
  await mkdir(gateHome, { recursive: true });
  const signet = (args, home, opts = {}) => run(process.execPath, [SIGNET, ...args], { env: { ...env, SIGNET_HOME: home }, cwd: dir, ...opts });

  log(`admission: pushing and signing a ${TAGS}-tag repository`);
  const repo = 'bench/gate';
  const base = await pushBase(registry.url, repo);
  const tags = tagNames(TAGS);
  const manifests = await pushTags(registry.url, repo, base, tags);
  const init = JSON.parse(signet(['init', join(dir, 'trust'), '--scope', repo, '--bins', '--json'], publisher).stdout);
  signet(['sign', ...tags.map((t) => `${registry.host}/${repo}:${t}`)], publisher);
  await writeFile(join(gateHome, 'policy.json'), JSON.stringify({ version: 1, trust: [{ scope: repo, store: join(dir, 'trust'), root: init.rootPath }] }));

  run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=signet-bench', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt')]);

  // Pods of 3 images, by tag and by digest (the digest a tag was signed with).
  const pick = (i, k) => tags[(i * 7 + k * 331) % TAGS];
  const byTag = (tag) => `${registry.host}/${repo}:${tag}`;
  const byDigest = (tag) => `${registry.host}/${repo}@sha256:${manifests.get(tag).sha256}`;
  const podsBy = (spell) => Array.from({ length: BODIES }, (_, i) => review(i, [0, 1, 2].map((k) => spell(pick(i, k)))));

  const gate = await startGate(['--cert', join(dir, 'tls.crt'), '--key', join(dir, 'tls.key'), '--budget', '5s', '--refresh-interval', '60s'], { ...env, SIGNET_HOME: gateHome });
  const out = { tagCount: TAGS, connections: CONNECTIONS, seconds, imagesPerPod: 3 };
  try {
    for (const [label, bodies] of [['tags', podsBy(byTag)], ['digests', podsBy(byDigest)]]) {
      const script = join(dir, `wrk-${label}.lua`);
      await writeFile(script, wrkScript(bodies));
      log(`admission: warm-up, ${label}`);
      await wrkAsync(gate.port, script, 2, 3);
      log(`admission: wrk ${CONNECTIONS} connections × ${seconds} s, pods of 3 images by ${label}`);
      await settled(gate.decisions); // let the warm-up's log lines arrive
      gate.decisions.length = 0;
      const cpuBefore = cpuMs(gate.child.pid);
      out[label] = await wrkAsync(gate.port, script, CONNECTIONS, seconds);
      out[label].cpuMsPerRequest = (cpuMs(gate.child.pid) - cpuBefore) / out[label].requests;
      await settled(gate.decisions);
      Object.assign(out[label], percentiles(gate.decisions));
      // One connection: the latency of a decision that waits behind no other.
      gate.decisions.length = 0;
      out[`${label}Alone`] = await wrkAsync(gate.port, script, 1, quick ? 2 : 5, 1);
      await settled(gate.decisions);
      Object.assign(out[`${label}Alone`], percentiles(gate.decisions), { cpuMsPerRequest: NaN });
    }
    const metrics = await get(gate.port, '/metrics');
    out.denied = sumOf(metrics, /signet_admission_decisions_total\{[^}]*outcome="(?:denied|error)"\} (\d+)/g);
    out.allowed = sumOf(metrics, /signet_admission_decisions_total\{[^}]*outcome="allowed"\} (\d+)/g);
    out.requestsServed = out.allowed + out.denied;
    out.rssMiB = rssMiB(gate.child.pid);
    out.load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } finally {
    await gate.stop();
  }

  // The same decisions made by a `signet verify` process per image (warm trusted state, as a script would).
  log('admission: one `signet verify` process per image, for comparison');
  signet(['verify', byTag(tags[1])], gateHome);
  const perImage = Array.from({ length: 9 }, (_, i) => run('/usr/bin/time', ['-f', 'CPU %U %S', process.execPath, SIGNET, 'verify', byTag(pick(i, 0))], { env: { ...env, SIGNET_HOME: gateHome }, cwd: dir }));
  out.verifyProcessMs = median(perImage.map((p) => p.ms));
  out.verifyProcessPodMs = 3 * out.verifyProcessMs;
  out.verifyProcessCpuPodMs = 3 * median(perImage.map((p) => { const [, u, s] = /CPU ([\d.]+) ([\d.]+)/.exec(p.stderr); return (Number(u) + Number(s)) * 1000; }));
  return out;
}

/** Markdown for bench/RESULTS.md. */
export function admissionSection(r) {
  if (!r) return '';
  const f = (ms) => (Number.isNaN(ms) ? '–' : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
  const row = (label, x) =>
    `| ${label} | ${f(x.serverP50)} | ${f(x.serverP99)} | ${f(x.p50)} | ${f(x.p99)} | ${x.rps.toFixed(0)} | ${x.requests} | ${x.failed} | ${f(x.cpuMsPerRequest)} | ${(r.verifyProcessPodMs / x.serverP99).toFixed(0)}× / ${(r.verifyProcessPodMs / x.p99).toFixed(0)}× / ${Number.isNaN(x.cpuMsPerRequest) ? '–' : `${(r.verifyProcessCpuPodMs / x.cpuMsPerRequest).toFixed(0)}×`} |`;
  return [
    '',
    '## Admission webhook (`signet admission serve`)',
    '',
    `wrk, ${r.connections} connections for ${r.seconds} s per row, over HTTPS on 127.0.0.1; each AdmissionReview is a Pod of ${r.imagesPerPod} images from a ${r.tagCount.toLocaleString("en")}-tag repository (256 hashed bins), ` +
      `300 distinct Pods in rotation; warm trust session (refresh interval 60 s). ` +
      `"decision" is the gate's own time per review (from its log lines); "client" is what wrk saw, queueing behind 50 connections included. ` +
      `"vs verify" divides one \`signet verify\` process per image (${f(r.verifyProcessMs)} ms median, warm trusted state; ${f(r.verifyProcessPodMs)} ms per Pod of 3) by the gate's decision p99 / client p99. All times in ms. The CPU columns are load-independent: the gate's CPU time per review against the CPU time of 3 \`signet verify\` processes (${f(r.verifyProcessCpuPodMs)} ms).`,
    '',
    '| images by | decision p50 | decision p99 | client p50 | client p99 | req/s | requests | failed (non-2xx, socket) | gate CPU ms per review | vs verify per image: decision p99 / client p99 / CPU |',
    '|---|---|---|---|---|---|---|---|---|---|',
    row(`tag (manifest lookup each), ${r.connections} connections`, r.tags),
    row(`digest (pinned), ${r.connections} connections`, r.digests),
    row('tag, 1 connection', r.tagsAlone),
    row('digest, 1 connection', r.digestsAlone),
    '',
    `Decisions the gate made: ${r.allowed} allowed, ${r.denied} denied or failed (every image was signed: 0 expected). Gate memory (RSS) after ${r.requestsServed.toLocaleString('en')} requests: ${r.rssMiB.toFixed(0)} MiB. Load average during the run: ${r.load}.`,
    '',
  ].join('\n');
}

function review(i, images) {
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'default',
      operation: 'CREATE',
      name: `pod-${i}`,
      object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${i}`, namespace: 'default' }, spec: { containers: images.map((image, k) => ({ name: `c${k}`, image })) } },
    },
  });
}

function wrkScript(bodies) {
  return [
    'wrk.method = "POST"',
    'wrk.headers["Content-Type"] = "application/json"',
    `local bodies = {${bodies.map((b) => `[==[${b}]==]`).join(',\n')}}`,
    'local i = math.random(#bodies)',
    'request = function() i = i % #bodies + 1; return wrk.format(nil, "/validate", nil, bodies[i]) end',
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format("RESULT {\\"requests\\":%d,\\"us\\":%d,\\"p50\\":%d,\\"p99\\":%d,\\"failed\\":%d}\\n", summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))',
    'end',
  ].join('\n');
}

/** Wait until the gate's log lines stop arriving (a loaded machine delivers them late). */
async function settled(lines) {
  for (let before = -1; before !== lines.length; ) {
    before = lines.length;
    await new Promise((r) => setTimeout(r, 500));
  }
}

function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { serverP50: sorted[Math.floor(sorted.length * 0.5)] ?? NaN, serverP99: sorted[Math.floor(sorted.length * 0.99)] ?? NaN };
}

async function wrkAsync(port, script, connections, seconds, threads = 2) {
  // Not spawnSync: the gate's log lines must keep flowing into this process meanwhile.
  const res = await runAsync('wrk', ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--timeout', '10s', '-s', script, `https://127.0.0.1:${port}/validate`]);
  const line = /RESULT (\{.*\})/.exec(res.stdout)?.[1];
  if (!line) throw new Error(`wrk printed no result:\n${res.stdout}\n${res.stderr}`);
  const r = JSON.parse(line);
  return { requests: r.requests, failed: r.failed, rps: r.requests / (r.us / 1e6), p50: r.p50 / 1000, p99: r.p99 / 1000 };
}

function startGate(args, env) {
  const child = spawn(process.execPath, [SIGNET, 'admission', 'serve', '--listen', '127.0.0.1:0', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const decisions = []; // server-side decision time of each review (ms), from the gate's JSON log lines
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      for (const m of String(chunk).matchAll(/"endpoint":"validate".*?"ms":([\d.]+)/g)) decisions.push(Number(m[1]));
      stderr += chunk;
      if (stderr.length > 1 << 20) stderr = stderr.slice(-65536); // one log line per decision: keep the tail
      const found = /"msg":"listening".*?"port":(\d+)/.exec(stderr);
      if (found && !child.port) {
        child.port = Number(found[1]);
        const exited = new Promise((r) => child.once('exit', r));
        resolve({ child, port: child.port, decisions, stop: async () => (child.kill('SIGTERM'), exited) });
      }
    });
    child.once('exit', (code) => reject(new Error(`the gate exited ${code}: ${stderr.slice(-2000)}`)));
  });
}

async function get(port, path) {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
}

function sumOf(text, pattern) {
  return [...text.matchAll(pattern)].reduce((sum, m) => sum + Number(m[1]), 0);
}

/** CPU time (user + system) the process used so far, in ms. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks (USER_HZ 100)
}

function rssMiB(pid) {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

// Alone: `node bench/admission.mjs` starts its own registry and prints the section.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { startRegistry } = await import('./support/servers.mjs');
  const work = await mkdtemp(join(tmpdir(), 'signet-bench-admission-'));
  const registry = await startRegistry();
  try {
    const env = { ...process.env, SIGNET_PASSPHRASE: 'bench passphrase, not a secret', NO_COLOR: '1' };
    delete env.SSL_CERT_FILE;
    const r = await benchAdmission({ registry, work, env, log: (l) => process.stderr.write(`[bench] ${l}\n`), quick: process.env.BENCH_QUICK === '1' });
    process.stdout.write(admissionSection(r));
  } finally {
    await registry.stop();
    await rm(work, { recursive: true, force: true });
  }
}
