// Issue 18's two throughput rows, each side by side in one section and
// interleaved, with the floor each one sits on measured in the same run:
//   - bulk sign of 1,000 registry tags (whole `signet sign`) against Notary v1
//     (`notary addhash` × 1,000 + `publish`), plus where signet's time goes
//     (in-process: resolving, key unlocking apart, loading bins, publishing)
//     and what the registry itself spends serving 1,000 manifests;
//   - `signet pull` of a 256 MiB layer against `sha256sum` of the same bytes,
//     plus the download-and-hash floor (no disk) and node:crypto alone.
// BENCH_CORE=0 BENCH_SECTIONS=bulk npm run bench runs only this (minutes).

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pushBlob, pushTags, tagNames } from './images.mjs';
import { fmtBytes, fmtMs, median, ratio, run } from './measure.mjs';

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
/** CPU (user + system) a process has used so far, in ms (Linux /proc). */
function cpuMs(pid) {
  if (!pid) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in clock ticks of 10 ms
  } catch {
    return undefined;
  }
}
const cpuOf = (usage) => (usage.user + usage.system) / 1000;

export async function measureBulk(ctx) {
  const { lib, work, env, signetPath, registry, base, images, notary, log, quick, passphrase } = ctx;
  const out = { loadBefore: load() };
  const tags = tagNames(quick ? 100 : 1000, 'b');
  out.tags = tags.length;

  // 1. Bulk sign: fresh SIGNET_HOME and trust repository (512 bins) per run, so every run signs 1,000 new targets.
  const repo = 'bench/bulk';
  const manifests = await images.prepare(repo, tags);
  const refs = images.args(repo, tags);
  let round = 0;
  const freshHome = async () => {
    const home = join(work, `bulk-home-${round++}`);
    await mkdir(home, { recursive: true });
    const e = { ...env, SIGNET_HOME: home };
    run(process.execPath, [signetPath, 'init', join(home, 'trust'), '--scope', repo, '--bins'], { env: e, cwd: work });
    return { home, env: e };
  };
  const signOnce = async () => {
    const { env: e } = await freshHome();
    const before = cpuMs(registry.pid);
    const res = run(process.execPath, [signetPath, 'sign', ...refs], { env: e, cwd: work });
    const after = cpuMs(registry.pid);
    return { ms: res.ms, registryCpuMs: before === undefined || after === undefined ? undefined : after - before };
  };
  const signs = [];
  const notaryRuns = [];
  log(`bulk: signet sign ${tags.length} tags / notary addhash × ${tags.length} + publish, interleaved`);
  signs.push(await signOnce());
  if (notary) {
    const gun = `${repo}-notary`;
    notary.publisher.init(gun);
    const start = performance.now();
    for (const tag of tags) notary.publisher.addhash(gun, tag, manifests.get(tag).size, manifests.get(tag).sha256);
    notary.publisher.publish(gun);
    notaryRuns.push(performance.now() - start);
  }
  signs.push(await signOnce());
  signs.push(await signOnce());
  out.sign = {
    signetMs: median(signs.map((s) => s.ms)),
    signetRuns: signs.map((s) => s.ms),
    registryCpuMs: median(signs.map((s) => s.registryCpuMs ?? NaN)),
    notaryMs: notaryRuns.length ? median(notaryRuns) : undefined,
  };

  // 1b. Where signet's time goes, in-process (the library `signet sign` calls), one run.
  log('bulk: signet sign in-process, phase by phase');
  out.phases = await signPhases(lib, { ...(await freshHome()), refs, passphrase });
  // The floor signet keeps: GET and hash every manifest, 8 in flight (what sign does), nothing else.
  const client = new lib.RegistryClient({});
  try {
    const list = tags.map((tag) => ({ registry: registry.host, repository: repo, tag }));
    await client.getManifest(list[0]);
    const regBefore = cpuMs(registry.pid);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < list.length) await client.getManifest(list[next++]);
    }));
    out.getAll = { ms: performance.now() - t0, clientCpuMs: cpuOf(process.cpuUsage(c0)), registryCpuMs: cpuMs(registry.pid) - regBefore };
  } finally {
    await client.close();
  }

  // 2. Pull vs sha256sum on the same 256 MiB.
  const size = (quick ? 64 : 256) * 1024 * 1024;
  const bytes = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 4) bytes.writeUInt32LE((i * 2654435761) >>> 0, i);
  const file = join(work, 'bulk-blob.bin');
  await writeFile(file, bytes);
  const pullRepo = 'bench/bulk-pull';
  const layer = await pushBlob(registry.url, pullRepo, bytes);
  const config = await pushBlob(registry.url, pullRepo, Buffer.from('{"architecture":"amd64","os":"linux"}'));
  await pushTags(registry.url, pullRepo, { config, layer }, ['big']);
  const pullHome = await freshHome();
  run(process.execPath, [signetPath, 'init', join(pullHome.home, 'trust-pull'), '--scope', pullRepo], { env: pullHome.env, cwd: work });
  const [pullRef, ...pullExtra] = images.args(pullRepo, ['big']);
  run(process.execPath, [signetPath, 'sign', pullRef, ...pullExtra], { env: pullHome.env, cwd: work });
  log(`bulk: signet pull vs sha256sum on ${size >> 20} MiB, interleaved`);
  const s = { sha: [], pull: [], hashOnly: [] };
  const hashScript = "const h=require('crypto').createHash('sha256');const s=require('fs').createReadStream(process.argv[1],{highWaterMark:1<<20});s.on('data',c=>h.update(c));s.on('end',()=>console.log(h.digest('hex')))";
  for (let i = 0; i < 5; i++) {
    s.sha.push(run('sha256sum', [file]).ms);
    const to = join(work, `bulk-pulled-${i}`);
    s.pull.push(run(process.execPath, [signetPath, 'pull', pullRef, ...pullExtra, '--to', to], { env: pullHome.env, cwd: work }).ms);
    await rm(to, { recursive: true, force: true });
    s.hashOnly.push(run(process.execPath, ['-e', hashScript, file]).ms);
  }
  // Download and hash in-process, nothing written: what the pull cannot go below here.
  const blobClient = new lib.RegistryClient({});
  const downloads = [];
  try {
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await blobClient.fetchBlob({ registry: registry.host, repository: pullRepo }, layer, () => undefined);
      downloads.push(performance.now() - t0);
    }
  } finally {
    await blobClient.close();
  }
  out.pull = { bytes: size, sha256sumMs: median(s.sha), pullMs: median(s.pull), pullRuns: s.pull, shaRuns: s.sha, hashOnlyMs: median(s.hashOnly), downloadMs: median(downloads) };
  out.loadAfter = load();
  return out;
}

/** One in-process `signImages` of `refs` with timestamps: resolved, each key unlocked, first file written, done. */
async function signPhases(lib, { home, refs, passphrase }) {
  const passphrases = async () => passphrase;
  const keys = new lib.KeyRing({ home, passphrases });
  const t0 = performance.now();
  const at = () => performance.now() - t0;
  const marks = {};
  const signers = keys.signers;
  Object.defineProperty(keys, 'signers', {
    value: async (role, ids) => {
      const got = await signers.call(keys, role, ids);
      marks.unlocked = Math.max(marks.unlocked ?? 0, at());
      return got;
    },
  });
  // The last manifest in (sign holds its progress back until the keys are unlocked).
  const getManifest = lib.RegistryClient.prototype.getManifest;
  lib.RegistryClient.prototype.getManifest = async function (...args) {
    const got = await getManifest.apply(this, args);
    marks.resolved = at();
    return got;
  };
  const putNew = lib.DirectoryStore.prototype.putNew;
  let puts = 0;
  lib.DirectoryStore.prototype.putNew = async function (...args) {
    if (puts++ === 0) marks.firstWrite = at();
    return putNew.apply(this, args);
  };
  const ctx = {
    home, cwd: home, now: new Date(), passphrases, keys, log: () => undefined, registry: {},
  };
  const c0 = process.cpuUsage();
  try {
    await lib.signImages(refs, {}, ctx);
  } finally {
    lib.DirectoryStore.prototype.putNew = putNew;
    lib.RegistryClient.prototype.getManifest = getManifest;
  }
  marks.done = at();
  return { ...marks, files: puts, cpuMs: cpuOf(process.cpuUsage(c0)) };
}

export function bulkReport(b) {
  if (!b) return [];
  const lines = [];
  const p = (s = '') => lines.push(s);
  const pct = (100 * b.pull.sha256sumMs) / b.pull.pullMs;
  p('## Issue 18: bulk sign and pull, each side by side');
  p();
  p(`One run, interleaved; load average ${b.loadBefore} before, ${b.loadAfter} after (2 CPUs, shared). Whole processes unless said.`);
  p();
  p('| workload | signet | other side | ratio | goal |');
  p('|---|---:|---:|---:|---:|');
  p(`| sign ${b.tags.toLocaleString('en')} registry tags (512 bins) vs \`notary addhash\` × ${b.tags.toLocaleString('en')} + \`publish\` | ${fmtMs(b.sign.signetMs)} (runs ${b.sign.signetRuns.map(fmtMs).join(', ')}) | ${fmtMs(b.sign.notaryMs)} | ${ratio(b.sign.notaryMs, b.sign.signetMs)} | ≥ 10× |`);
  p(`| \`signet pull\` vs \`sha256sum\` on ${fmtBytes(b.pull.bytes)} | ${fmtMs(b.pull.pullMs)} (runs ${b.pull.pullRuns.map(fmtMs).join(', ')}) | ${fmtMs(b.pull.sha256sumMs)} | ${pct.toFixed(0)}% | ≥ 90% |`);
  p();
  const ph = b.phases;
  p(`Where \`signet sign\` of ${b.tags.toLocaleString('en')} tags spends its time (in-process, one run, ms from the call): manifests resolved at ${fmtMs(ph.resolved)}, the three online keys unlocked (scrypt, side by side with resolving) by ${fmtMs(ph.unlocked)}, bins loaded and the first file written at ${fmtMs(ph.firstWrite)}, done (${ph.files} files written, each synced) at ${fmtMs(ph.done)}; signet CPU ${fmtMs(ph.cpuMs)}.`);
  p();
  p(`The floor kept on purpose: GET and hash every manifest. ${b.tags.toLocaleString('en')} \`getManifest\` calls, 8 in flight, nothing else: ${fmtMs(b.getAll.ms)}, signet CPU ${fmtMs(b.getAll.clientCpuMs)}, **registry CPU ${fmtMs(b.getAll.registryCpuMs)}** (${(b.getAll.registryCpuMs / b.tags).toFixed(2)} ms per manifest); during a whole \`signet sign\` the registry used ${fmtMs(b.sign.registryCpuMs)} of CPU. On 2 CPUs shared by the registry and signet, serving and fetching alone cannot take less than (registry + client CPU) / 2 = ${fmtMs((b.getAll.registryCpuMs + b.getAll.clientCpuMs) / 2)}; ${b.sign.notaryMs ? `10× Notary here would be ${fmtMs(b.sign.notaryMs / 10)} for everything, start-up and the scrypt unlocking of three keys included` : 'Notary was not run'}.`);
  p();
  p(`Pull floors in the same run: downloading and hashing the blob in-process with nothing written ${fmtMs(b.pull.downloadMs)}; node:crypto hashing the file alone (whole process) ${fmtMs(b.pull.hashOnlyMs)}. \`sha256sum\` (coreutils, no SHA extensions) is slower at hashing than node:crypto, so the pull stays near it although it also starts Node, refreshes the trust metadata, downloads from the registry on the same CPUs, writes and syncs the file.`);
  p();
  return lines;
}
