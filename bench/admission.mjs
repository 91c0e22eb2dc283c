// The deploy gate under load (issue 16), one section of `npm run bench`:
// `signet admission serve` as a real HTTPS process on 127.0.0.1, driven by
// wrk (50 connections, POST bodies from a Lua script) with AdmissionReviews
// of Pods holding 3 images of a 1,000-tag repository: random tags (worst
// case), the same 3 tags (a ReplicaSet scaling up) and digests, on /validate
// and /mutate; saturated (closed loop) and paced (a bounded request rate, as
// an API server sends). Reports p50/p99, requests/s, failures, registry
// fetches per Pod, the gate's CPU and memory, and the same decisions made by
// one `signet verify` process per image. Never asserted; run alone with
// `node bench/admission.mjs` (after a build).

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
/** Paced runs: AdmissionReviews per second over all connections (what wrk's per-connection delay aims at). */
const PACED_RATE = 150;
const TAG_MEMO = '5s';

/** [key, label, pods, endpoint] */
const VARIANTS = [
  ['tagsRandomValidate', 'tags, random of 1,000 (worst case)', 'random', 'validate'],
  ['tagsRandomMutate', 'tags, random of 1,000 (worst case)', 'random', 'mutate'],
  ['tagsSameValidate', 'tags, the same 3 (scale-up)', 'same', 'validate'],
  ['tagsSameMutate', 'tags, the same 3 (scale-up)', 'same', 'mutate'],
  ['digests', 'digests, random of 1,000', 'digest', 'validate'],
];

/**
 * `registry` is { host, url } of a running docker-registry; `env` carries
 * SIGNET_PASSPHRASE for signing. Returns the figures for `admissionSection`.
 */
export async function benchAdmission({ registry, work, env, log, quick = false }) {
  const seconds = quick ? 3 : 10;
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

  // Pods of 3 images: random tags of the 1,000, the same 3 tags in every Pod, or random digests (those the tags were signed with).
  const pick = (i, k) => tags[(i * 7 + k * 331) % TAGS];
  const byTag = (tag) => `${registry.host}/${repo}:${tag}`;
  const byDigest = (tag) => `${registry.host}/${repo}@sha256:${manifests.get(tag).sha256}`;
  const pods = {
    random: Array.from({ length: BODIES }, (_, i) => review(i, [0, 1, 2].map((k) => byTag(pick(i, k))))),
    same: Array.from({ length: BODIES }, (_, i) => review(i, [0, 1, 2].map((k) => byTag(tags[k * 100])))),
    digest: Array.from({ length: BODIES }, (_, i) => review(i, [0, 1, 2].map((k) => byDigest(pick(i, k))))),
  };

  const gate = await startGate(['--cert', join(dir, 'tls.crt'), '--key', join(dir, 'tls.key'), '--budget', '5s', '--refresh-interval', '60s', '--tag-memo', TAG_MEMO], { ...env, SIGNET_HOME: gateHome });
  const out = { tagCount: TAGS, connections: CONNECTIONS, seconds, imagesPerPod: 3, pacedRate: PACED_RATE, tagMemo: TAG_MEMO, runs: [], loads: [] };
  try {
    for (const [load, rate] of [['saturated', undefined], ['paced', PACED_RATE]]) {
      for (const [key, label, podsOf, endpoint] of VARIANTS) {
        const script = join(dir, `wrk-${key}-${load}.lua`);
        await writeFile(script, wrkScript(pods[podsOf], `/${endpoint}`, rate && { connections: CONNECTIONS, rate }));
        if (load === 'saturated') {
          log(`admission: warm-up, ${label} /${endpoint}`);
          await wrkAsync(gate.port, script, 10, 2);
          await settled(gate.decisions); // let the warm-up's log lines arrive
        }
        log(`admission: wrk ${CONNECTIONS} connections × ${seconds} s, ${load}${rate ? ` (~${rate}/s)` : ''}, pods of 3 images: ${label}, /${endpoint}`);
        gate.decisions.length = 0;
        const refreshesBefore = gate.decisions.refreshes ?? 0;
        const before = tagChecks(await get(gate.port, '/metrics'));
        const cpuBefore = cpuMs(gate.child.pid);
        const r = await wrkAsync(gate.port, script, CONNECTIONS, seconds);
        r.cpuMsPerRequest = (cpuMs(gate.child.pid) - cpuBefore) / r.requests;
        const after = tagChecks(await get(gate.port, '/metrics'));
        const checks = after.fetched + after.joined + after.remembered - (before.fetched + before.joined + before.remembered);
        r.fetchesPerPod = checks > 0 ? (3 * (after.fetched - before.fetched)) / checks : 0; // 3 tag checks per Pod
        await settled(gate.decisions);
        Object.assign(r, percentiles(gate.decisions), { key, label, endpoint, load, images: podsOf, refreshes: (gate.decisions.refreshes ?? 0) - refreshesBefore });
        r.loadAvg = loadAvg();
        out.runs.push(r);
      }
    }
    const metrics = await get(gate.port, '/metrics');
    out.denied = sumOf(metrics, /signet_admission_decisions_total\{[^}]*outcome="(?:denied|error)"\} (\d+)/g);
    out.allowed = sumOf(metrics, /signet_admission_decisions_total\{[^}]*outcome="allowed"\} (\d+)/g);
    out.requestsServed = out.allowed + out.denied;
    out.tagChecks = tagChecks(metrics);
    out.rssMiB = rssMiB(gate.child.pid);
    out.load = loadAvg();
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
  out.verifyLoad = loadAvg();
  return out;
}

/** Markdown for bench/RESULTS.md. */
export function admissionSection(r) {
  if (!r?.runs) return '';
  const f = (ms) => (Number.isNaN(ms) ? '–' : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
  const goal = (x) => {
    const limit = x.images === 'digest' ? 5 : 50;
    const ratio = r.verifyProcessPodMs / x.p99;
    const misses = [];
    if (x.p99 > limit) misses.push(`client p99 > ${limit} ms`);
    if (x.failed > 0) misses.push('failed requests');
    if (ratio < 40) misses.push('< 40×');
    return misses.length === 0 ? `**met** (p99 ≤ ${limit} ms)` : `not met: ${misses.join(', ')}`;
  };
  const row = (x) =>
    `| ${x.load === 'paced' ? `paced ~${r.pacedRate}/s` : 'saturated'} | ${x.label} | /${x.endpoint} | ${x.rps.toFixed(0)} | ${f(x.serverP50)} | ${f(x.serverP99)} | ${f(x.p50)} | ${f(x.p99)} | ${x.requests} | ${x.failed} | ${x.images === 'digest' ? '0 (cached by digest)' : x.fetchesPerPod.toFixed(2)} | ${f(x.cpuMsPerRequest)} | ${(r.verifyProcessPodMs / x.p99).toFixed(0)}× / ${(r.verifyProcessCpuPodMs / x.cpuMsPerRequest).toFixed(0)}× | ${goal(x)} | ${x.refreshes} | ${x.loadAvg} |`;
  return [
    '',
    '## Admission webhook (`signet admission serve`)',
    '',
    `wrk over HTTPS on 127.0.0.1, ${r.connections} connections, ${r.seconds} s per row; each AdmissionReview is a Pod of ${r.imagesPerPod} images from a ${r.tagCount.toLocaleString('en')}-tag repository (256 hashed bins), 300 Pods in rotation. ` +
      `"random" Pods name 3 of the 1,000 tags (the worst case: nothing shared between Pods); "same 3" Pods all name the same 3 tags (a ReplicaSet scaling up); digests are the signed ones. ` +
      `**saturated**: closed loop, each connection sends its next review as soon as the last is answered (the most the gate and the registry can do on this machine). ` +
      `**paced**: each connection waits a random delay (mean ${r.connections}/${r.pacedRate} s) before its next review, about ${r.pacedRate} reviews/s in all, as an API server sends them (wrk's delay() hook: rate-limited closed loop, so a stall is not corrected for coordinated omission — the achieved req/s shows whether the gate kept up). ` +
      `Warm trust session (refresh interval 60 s: a refresh starts a new generation whose lookups are cold, so a row with a refresh pays for it), /mutate with --tag-memo ${r.tagMemo} (the default; /validate never uses it). ` +
      `"decision" is the gate's own time per review (its log lines); "client" is what wrk saw, queueing included, which is what the API server waits. ` +
      `"registry GETs per Pod" counts manifest fetches by tag (3 per Pod without sharing). ` +
      `"vs verify" divides one \`signet verify\` process per image (${f(r.verifyProcessMs)} ms median, warm trusted state; ${f(r.verifyProcessPodMs)} ms per Pod of 3; load then ${r.verifyLoad}) by the client p99, and its CPU (${f(r.verifyProcessCpuPodMs)} ms per Pod) by the gate's CPU per review. ` +
      `Goal (issue 16): at 50 clients, p99 ≤ 50 ms with tags, ≤ 5 ms with digests, no failed request, ≥ 40× less than a verify process per image; judged here on the client p99. All times in ms. The registry (docker-registry, ~1.5 ms CPU per manifest GET here) shares the same 2 cores.`,
    '',
    '| load | images | endpoint | req/s | decision p50 | decision p99 | client p50 | client p99 | requests | failed | registry GETs per Pod | gate CPU ms per review | vs verify per image (client p99 / CPU) | goal | trust refreshes during the row | load average |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.runs.map(row),
    '',
    `Decisions the gate made: ${r.allowed.toLocaleString('en')} allowed, ${r.denied} denied or failed (every image was signed: 0 expected). Tag checks: ${r.tagChecks.fetched.toLocaleString('en')} fetched from the registry, ${r.tagChecks.joined.toLocaleString('en')} joined a fetch in flight, ${r.tagChecks.remembered.toLocaleString('en')} from the /mutate memo. Gate memory (RSS) after ${r.requestsServed.toLocaleString('en')} requests: ${r.rssMiB.toFixed(0)} MiB. Load average at the end: ${r.load}.`,
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

function wrkScript(bodies, path, paced) {
  return [
    'wrk.method = "POST"',
    'wrk.headers["Content-Type"] = "application/json"',
    `local bodies = {${bodies.map((b) => `[==[${b}]==]`).join(',\n')}}`,
    // Each thread starts at its own offset (wrk seeds every thread's math.random alike: threads that started
    // together would send the same Pods at the same moment, and "random" Pods would share fetches).
    'local threads = 0',
    'setup = function(thread) thread:set("offset", threads * 150); threads = threads + 1 end',
    'init = function(args) i = offset end',
    `request = function() i = i % #bodies + 1; return wrk.format(nil, "${path}", nil, bodies[i]) end`,
    // Paced: a random wait (uniform, mean connections/rate s) before each connection's next request.
    ...(paced ? [`delay = function() return math.random(0, ${Math.round((2000 * paced.connections) / paced.rate)}) end`] : []),
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
  let tail = ''; // the last log lines, for an error message
  let partial = '';
  const decisions = []; // server-side decision time of each review (ms), from the gate's JSON log lines
  return new Promise((resolve, reject) => {
    // Line by line, nothing kept but a short tail: a reader that falls behind would block the gate's
    // stderr writes (synchronous for pipes on Linux) and show up as the gate's latency.
    child.stderr.on('data', (chunk) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        const ms = /"endpoint":"(?:validate|mutate)".*?"ms":([\d.]+)/.exec(line);
        if (ms) {
          decisions.push(Number(ms[1]));
          continue;
        }
        if (line.includes('"msg":"trust refreshed"')) decisions.refreshes = (decisions.refreshes ?? 0) + 1;
        tail = (tail + line + '\n').slice(-4000);
        const found = !child.port && /"msg":"listening".*?"port":(\d+)/.exec(line);
        if (found) {
          child.port = Number(found[1]);
          const exited = new Promise((r) => child.once('exit', r));
          resolve({ child, port: child.port, decisions, stop: async () => (child.kill('SIGTERM'), exited) });
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`the gate exited ${code}: ${tail}`)));
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

function tagChecks(metrics) {
  const count = (how) => Number(new RegExp(`signet_admission_tag_checks_total\\{how="${how}"\\} (\\d+)`).exec(metrics)?.[1] ?? NaN);
  return { fetched: count('fetched'), joined: count('joined'), remembered: count('memo') };
}

function loadAvg() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
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
