#!/usr/bin/env node
// `npm run bench`: signet against Notary v1 on this machine, side by side in
// one run. Starts its own docker-registry and notary-server on 127.0.0.1,
// builds N-tag repositories, times the built CLI (dist/) as a user runs it,
// prints a table with ratios and writes bench/RESULTS.md.
//
// Environment: BENCH_QUICK=1 (small sizes, a smoke run), BENCH_NOTARY_SIGN_MAX
// (largest notary signing workload, default 1000), BENCH_NO_NOTARY=1,
// BENCH_KEEP=1 (keep the work directory for inspection), BENCH_SECTIONS=a,b
// (only those sections after the core), BENCH_CORE=0 (skip the core: only the
// sections, Markdown to stdout, RESULTS.md untouched). `node bench/run.mjs
// --report FILE` re-renders the Markdown from a run's saved numbers.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNotaryServer, startRegistry } from './support/servers.mjs';
import { pushBase, pushBlob, pushTags, tagNames } from './support/images.mjs';
import { writeLayout } from './support/layout.mjs';
import { NotaryClient, countingRelay } from './support/notary.mjs';
import { addSyntheticTags, measureLayout } from './support/bins-table.mjs';
import { median, medianOf, medianOfAsync, run } from './support/measure.mjs';
import { writeReport } from './support/report.mjs';
import { fileHashSection, measureFileHash } from './support/file-hash-bench.mjs';
import { keysReport, measureKeys } from './support/keys-bench.mjs';
import { admissionSection, benchAdmission } from './admission.mjs';
import { measureSpeed, speedReport } from './support/speed-bench.mjs';
import { bulkReport, measureBulk } from './support/bulk-bench.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SIGNET = join(ROOT, 'dist', 'signet.mjs');
const QUICK = process.env.BENCH_QUICK === '1';
const SIGN_SIZES = QUICK ? [1, 10, 100] : [1, 100, 1000, 10000];
const VERIFY_SIZES = QUICK ? [10, 100, 2000] : [10, 1000, 100000];
const NOTARY_SIGN_MAX = Number(process.env.BENCH_NOTARY_SIGN_MAX ?? (QUICK ? 100 : 1000));
const BIN_ROWS = QUICK ? [[0, 200], [8, 2000], [9, 2000]] : [[0, 1000], [8, 100000], [9, 100000], [10, 100000], [11, 100000]];
const PASS = 'bench passphrase, not a secret';

const log = (line) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/**
 * Sections that run after the core workloads (signing, verify, pull, start-up,
 * bins), each `{ name, run(ctx) → data, report(data, results) → Markdown lines }`.
 * ctx: { lib, root, work, home, env, signet(args), signetPath, registry, base,
 * images, notary, log, quick, passphrase, results (the core's), generateLarge }.
 * To add one: a module under bench/support/ and one line here.
 * BENCH_SECTIONS=keys,speed runs only those sections (the core always runs).
 */
const SECTIONS = [
  { name: 'files', run: (c) => measureFileHash({ work: c.work, signet: c.signet, signetPath: c.signetPath, env: c.env, quick: c.quick, log: c.log }), report: fileHashSection },
  { name: 'keys', run: (c) => measureKeys({ lib: c.lib, work: c.work, signet: c.signet, log: c.log, quick: c.quick, passphrase: c.passphrase }), report: keysReport },
  { name: 'speed', run: measureSpeed, report: speedReport },
  { name: 'admission', run: (c) => benchAdmission({ registry: c.registry, work: c.work, env: c.env, log: c.log, quick: c.quick }), report: admissionSection },
  { name: 'bulk', run: measureBulk, report: bulkReport },
];
const CORE = process.env.BENCH_CORE !== '0';
const WANTED = process.env.BENCH_SECTIONS ? new Set(process.env.BENCH_SECTIONS.split(',')) : undefined;

async function main() {
  if (!existsSync(SIGNET)) throw new Error(`${SIGNET} is missing: run \`node scripts/build.mjs\` (npm run bench does)`);
  const lib = await import(join(ROOT, 'dist', 'index.mjs'));
  const machine = describeMachine();
  machine.loadBefore = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const notaryWanted = process.env.BENCH_NO_NOTARY !== '1' && ensureNotary();
  const work = await mkdtemp(join(tmpdir(), 'signet-bench-'));
  const home = join(work, 'home');
  // SSL_CERT_FILE would make signet parse that whole CA bundle for its HTTPS
  // probe of the loopback (plain HTTP) registry on every run; not a workload.
  const env = { ...process.env, SIGNET_HOME: home, SIGNET_PASSPHRASE: PASS, NO_COLOR: '1' };
  delete env.SSL_CERT_FILE;
  delete env.NODE_EXTRA_CA_CERTS; // the same for every node process, `node -e 0` included (speed section)
  const signet = (args, opts = {}) => run(process.execPath, [SIGNET, ...args], { env, cwd: work, ...opts });
  const results = { machine, quick: QUICK, sign: [], verify: [], bulk: {}, more: {}, sha: {}, startup: {}, bins: [], notes: [], sections: {} };
  const cleanups = [() => (process.env.BENCH_KEEP === '1' ? Promise.resolve(log(`kept ${work}`)) : rm(work, { recursive: true, force: true }))];
  const started = performance.now();
  // Ctrl-C: stop the servers we started before leaving.
  const onSignal = async (signal) => {
    log(`${signal}: stopping servers`);
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    process.exit(130);
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    log('starting docker-registry');
    const registry = await startRegistry();
    cleanups.unshift(registry.stop);
    let notary;
    if (notaryWanted) {
      log('starting notary-server');
      const server = await startNotaryServer();
      cleanups.unshift(server.stop);
      const relay = await countingRelay(server.url);
      cleanups.unshift(relay.close);
      const publisher = new NotaryClient(server.url, server.caFile, join(work, 'notary-publisher'));
      const verifier = new NotaryClient(relay.url, server.caFile, join(work, 'notary-verifier'));
      notary = { publisher, verifier, relay };
    }

    // Images: registry references when this build's `signet sign` can resolve
    // them, else the same bytes in OCI layouts.
    const base = await pushBase(registry.url, 'bench/probe');
    const images = await chooseImageMode(registry, base, signet, work, results);
    if (!CORE) return await sectionsOnly({ lib, root: ROOT, work, home, env, signet, signetPath: SIGNET, registry, base, images, notary, log, quick: QUICK, passphrase: PASS, results, generateLarge });
    if (process.env.SSL_CERT_FILE) results.notes.push('signet ran without `SSL_CERT_FILE` (set on this machine): with it, every run parses that CA bundle for the HTTPS probe of the loopback registry (~50 ms of CPU here).');
    log(`image references: ${images.mode}`);

    // 1. Bulk signing.
    for (const n of SIGN_SIZES) {
      const repo = `bench/s${n}`;
      const tags = tagNames(n);
      const manifests = await images.prepare(repo, tags);
      signet(['init', join(work, `trust-s${n}`), '--scope', repo, '--bins']);
      log(`signet sign ${n} tag(s)`);
      const sign = signet(['sign', ...images.args(repo, tags)]);
      const row = { n, signetMs: sign.ms };
      if (notary && n <= NOTARY_SIGN_MAX) {
        log(`notary addhash × ${n} + publish`);
        notary.publisher.init(repo);
        const start = performance.now();
        for (const tag of tags) notary.publisher.addhash(repo, tag, manifests.get(tag).size, manifests.get(tag).sha256);
        notary.publisher.publish(repo);
        row.notaryMs = performance.now() - start;
      }
      results.sign.push(row);
    }

    // 2. Verify one tag, cold and warm, in repositories of growing size. The
    // repositories are built first; then the runs are interleaved across
    // them, so load on the shared machine hits every size alike.
    const binsLabel = `${2 ** lib.DEFAULT_BIN_BIT_LENGTH} bins`;
    const configs = [
      { n: VERIFY_SIZES[0], layout: 'flat', repo: `bench/v${VERIFY_SIZES[0]}` },
      { n: VERIFY_SIZES[0], layout: binsLabel, repo: `bench/v${VERIFY_SIZES[0]}b` },
      ...VERIFY_SIZES.slice(1).map((n) => ({ n, layout: binsLabel, repo: `bench/v${n}` })),
    ];
    for (const c of configs) {
      const all = c.n <= 10_000 ? tagNames(c.n) : tagNames(10);
      c.manifests = await images.prepare(c.repo, all.concat(tagNames(5, 'more')));
      c.trustDir = join(work, `trust-${c.repo.replace('/', '-')}`);
      signet(['init', c.trustDir, '--scope', c.repo, ...(c.layout === 'flat' ? [] : ['--bins'])]);
      if (c.n <= 10_000) {
        log(`signet sign ${c.n} tag(s) into ${c.repo} (${c.layout}) for the verify workloads`);
        signet(['sign', ...images.args(c.repo, tagNames(c.n))]);
      } else {
        log(`generating a ${c.n}-tag repository with the writer library (no registry round trips)`);
        await generateLarge(lib, { home, trustDir: c.trustDir, repo: c.repo, base, n: c.n });
        results.notes.push(`The ${c.n.toLocaleString('en')}-tag repository was generated directly with the writer library (\`updateRepository\` + \`targetsFor\`, the code \`signet sign\` runs), not by resolving ${c.n.toLocaleString('en')} registry tags; its first 10 tags and the "more" tags exist in the registry.`);
      }
      c.verifyOnce = () => {
        const [one, ...extra] = images.args(c.repo, ['t000005']);
        const out = signet(['verify', one, ...extra, '--json']);
        return { ms: out.ms, bytes: JSON.parse(out.stdout).bytesDownloaded };
      };
      c.cold = [];
      c.warm = [];
    }
    log('signet verify, cold, interleaved across repositories');
    for (let i = 0; i < 5; i++) {
      for (const c of configs) {
        await rm(join(home, 'trusted'), { recursive: true, force: true });
        c.cold.push(c.verifyOnce());
      }
    }
    for (const c of configs) c.verifyOnce();
    log('signet verify, warm, interleaved across repositories');
    for (let i = 0; i < 9; i++) for (const c of configs) c.warm.push(c.verifyOnce());

    for (const c of configs) {
      const row = {
        n: c.n,
        layout: c.layout,
        signetColdMs: median(c.cold.map((x) => x.ms)),
        signetColdBytes: c.cold[0].bytes,
        signetWarmMs: median(c.warm.map((x) => x.ms)),
        signetWarmBytes: c.warm[0].bytes,
      };
      const notaryRepo = notary && (c.layout === 'flat' || c.n > VERIFY_SIZES[0]) && notaryRepoFor(c.n, results);
      if (notaryRepo) {
        if (!notaryRepo.existing) {
          notary.publisher.init(notaryRepo.gun);
          for (const tag of tagNames(c.n)) notary.publisher.addhash(notaryRepo.gun, tag, c.manifests.get(tag).size, c.manifests.get(tag).sha256);
          notary.publisher.publish(notaryRepo.gun);
        }
        log(`notary lookup, ${c.n} tags, cold and warm`);
        const lookup = async () => {
          notary.relay.reset();
          const out = await notary.verifier.lookup(notaryRepo.gun, 't000005');
          return { ms: out.ms, bytes: notary.relay.bytes() };
        };
        const ncold = [];
        for (let i = 0; i < 5; i++) {
          notary.verifier.forget(notaryRepo.gun);
          ncold.push(await lookup());
        }
        await lookup();
        const nwarm = [];
        for (let i = 0; i < 9; i++) nwarm.push(await lookup());
        Object.assign(row, {
          notaryColdMs: median(ncold.map((x) => x.ms)),
          notaryColdBytes: ncold[0].bytes,
          notaryColdPayload: notary.verifier.cachedBytes(notaryRepo.gun),
          notaryWarmMs: median(nwarm.map((x) => x.ms)),
          notaryWarmBytes: nwarm[0].bytes,
          notaryGun: notaryRepo.gun,
        });
      }
      results.verify.push(row);
    }

    // 3. Verify 10 images in one call (warm), against 10 warm notary lookups.
    const mid = configs.find((c) => c.n === VERIFY_SIZES[1]);
    const ten = tagNames(10);
    log('signet verify 10 images in one call');
    signet(['verify', ...images.args(mid.repo, ten)]);
    results.bulk.signetMs = medianOf(5, () => signet(['verify', ...images.args(mid.repo, ten)]).ms);
    results.bulk.repo = mid.repo;
    const midRow = results.verify.find((r) => r.n === VERIFY_SIZES[1]);
    if (notary && midRow?.notaryGun) {
      log('notary lookup × 10');
      results.bulk.notaryMs = await medianOfAsync(5, async () => {
        let sum = 0;
        for (const tag of ten) sum += (await notary.verifier.lookup(midRow.notaryGun, tag)).ms;
        return sum;
      });
    }

    // 4. Sign one more tag into the smallest (flat) and the largest repository, interleaved.
    log('signet sign 1 more tag, smallest and largest repository, interleaved');
    const ends = [configs[0], configs.at(-1)];
    const more = tagNames(5, 'more');
    const samples = new Map(ends.map((c) => [c.n, []]));
    for (let i = 0; i < more.length; i++) for (const c of ends) samples.get(c.n).push(signet(['sign', ...images.args(c.repo, [more[i]])]).ms);
    for (const c of ends) results.more[c.n] = median(samples.get(c.n));

    // 5. SHA-256 throughput: signet pull against sha256sum on the same bytes.
    results.sha = await measureSha(work, registry, base, images, signet, results);

    // 6. Start-up.
    log('start-up');
    // Interleaved, so a burst of load on the shared machine hits both alike.
    const startup = { signet: [], node: [], notary: [] };
    for (let i = 0; i < 15; i++) {
      startup.signet.push(signet(['--version']).ms);
      startup.node.push(run(process.execPath, ['-e', '0']).ms);
      if (notary) startup.notary.push(run('notary', ['--help']).ms);
    }
    results.startup.signetMs = median(startup.signet);
    results.startup.nodeMs = median(startup.node);
    if (notary) results.startup.notaryMs = median(startup.notary);

    // 7. The bins layout at several sizes (in-process, the library).
    for (const [bitLength, tags] of BIN_ROWS) {
      log(`bins layout: ${bitLength ? 2 ** bitLength : 'flat'} × ${tags} tags`);
      results.bins.push(await measureLayout(lib, { bitLength, tags, base, cacheAllBins: bitLength === lib.DEFAULT_BIN_BIT_LENGTH }));
    }

    // 8. The sections.
    const ctx = { lib, root: ROOT, work, home, env, signet, signetPath: SIGNET, registry, base, images, notary, log, quick: QUICK, passphrase: PASS, results, generateLarge };
    for (const section of SECTIONS) {
      if (WANTED && !WANTED.has(section.name)) continue;
      log(`section ${section.name}`);
      results.sections[section.name] = await section.run(ctx);
    }
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((error) => log(`cleanup: ${error.message}`));
  }
  results.totalMs = performance.now() - started;
  machine.loadAfter = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const text = render(results);
  // The raw numbers, so a report change can be re-rendered without re-running: node bench/run.mjs --report FILE
  const saved = join(tmpdir(), 'signet-bench-results.json');
  await writeFile(saved, JSON.stringify(results, null, 1));
  log(`numbers saved in ${saved} (re-render: node bench/run.mjs --report ${saved})`);
  process.stdout.write(text);
  if (!QUICK) await writeFile(join(ROOT, 'bench', 'RESULTS.md'), text);
  log(`done in ${(results.totalMs / 1000).toFixed(0)} s${QUICK ? ' (quick run: RESULTS.md not written)' : '; wrote bench/RESULTS.md'}`);
}

/** BENCH_CORE=0: the wanted sections only, printed (RESULTS.md keeps the last full run). */
async function sectionsOnly(ctx) {
  for (const section of SECTIONS) {
    if (WANTED && !WANTED.has(section.name)) continue;
    log(`section ${section.name}`);
    ctx.results.sections[section.name] = await section.run(ctx);
  }
  const saved = join(tmpdir(), 'signet-bench-sections.json');
  await writeFile(saved, JSON.stringify(ctx.results, null, 1));
  log(`numbers saved in ${saved}`);
  process.stdout.write(SECTIONS.flatMap((section) => (ctx.results.sections[section.name] === undefined ? [] : section.report(ctx.results.sections[section.name], ctx.results))).join('\n'));
}

/** Registry references if `signet sign` resolves them in this build, else OCI layouts. */
async function chooseImageMode(registry, base, signet, work, results) {
  await pushTags(registry.url, 'bench/probe', base, ['t000000']);
  signet(['init', join(work, 'trust-probe'), '--scope', 'bench/probe']);
  const probe = signet(['sign', `${registry.host}/bench/probe:t000000`], { check: false });
  if (probe.code === 0) {
    return {
      mode: 'registry',
      prepare: async (repo, tags) => {
        await pushBase(registry.url, repo); // blobs live per repository
        return pushTags(registry.url, repo, base, tags);
      },
      args: (repo, tags) => tags.map((tag) => `${registry.host}/${repo}:${tag}`),
    };
  }
  results.notes.push(`This build of signet could not sign a registry reference (\`${probe.stderr.trim().split('\n')[0]}\`), so signet read the same manifests from OCI image layouts on disk; the registry was used for Notary's digests only.`);
  return {
    mode: 'oci-layout',
    prepare: async (repo, tags) => writeLayout(join(work, 'layouts', repo), tags),
    args: (repo, tags) => [...tags.map((tag) => `oci-layout:${join(work, 'layouts', repo)}:${tag}`), '--name', repo],
  };
}

/** Fill a binned trust repository made by `signet init` with `n` tags, with its own keys. */
async function generateLarge(lib, { home, trustDir, repo, base, n }) {
  const store = new lib.DirectoryStore(trustDir);
  const rootPath = JSON.parse(readFileSync(join(home, 'policy.json'), 'utf8')).trust.find((t) => t.scope === repo).root;
  const pinned = lib.parseRoot(readFileSync(rootPath), rootPath);
  const signers = new lib.Keystore(home).signerProvider(async () => PASS);
  await lib.updateRepository(store, pinned, { signers, now: new Date() }, (r) => addSyntheticTags(lib, r, repo, base, n, (i) => `t${String(i).padStart(6, '0')}`));
}

/** The notary repository to verify against for an n-tag workload, or undefined (too big to build). */
function notaryRepoFor(n, results) {
  if (n > Math.max(NOTARY_SIGN_MAX, 1000)) {
    results.notes.push(`Notary was not run at ${n.toLocaleString('en')} tags: building that repository takes one \`notary addhash\` process per tag (about ${Math.max(1, Math.round((n * 12) / 60000))} min here).`);
    return undefined;
  }
  const signed = results.sign.find((s) => s.n === n && s.notaryMs !== undefined);
  return signed ? { gun: `bench/s${n}`, existing: true } : { gun: `bench/v${n}`, existing: false };
}

async function measureSha(work, registry, base, images, signet, results) {
  const size = (QUICK ? 64 : 256) * 1024 * 1024;
  const file = join(work, 'blob.bin');
  const chunk = Buffer.alloc(1024 * 1024);
  const bytes = Buffer.alloc(size);
  for (let off = 0; off < size; off += chunk.length) {
    for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE((off + i) * 2654435761 >>> 0, i);
    chunk.copy(bytes, off);
  }
  await writeFile(file, bytes);
  log(`sha256sum on ${size >> 20} MiB`);
  const out = { bytes: size };
  out.sha256sumMs = medianOf(3, () => run('sha256sum', [file]).ms);
  const pullHelp = signet(['pull', '--help'], { check: false });
  if (pullHelp.code === 0 && images.mode === 'registry') {
    log('signet pull of the same bytes as one layer');
    const layer = await pushBlob(registry.url, 'bench/pull', bytes);
    const config = await pushBlob(registry.url, 'bench/pull', Buffer.from('{"architecture":"amd64","os":"linux"}'));
    const bigBase = { config, layer };
    await pushTags(registry.url, 'bench/pull', bigBase, ['big']);
    signet(['init', join(work, 'trust-pull'), '--scope', 'bench/pull']);
    signet(['sign', `${registry.host}/bench/pull:big`]);
    out.signetPullMs = medianOf(3, (i) => signet(['pull', `${registry.host}/bench/pull:big`, '--to', join(work, `pulled-${i}`)]).ms);
    out.what = 'signet pull (download from the loopback registry, hash, write)';
  }
  {
    const hashScript = "const h=require('crypto').createHash('sha256');const s=require('fs').createReadStream(process.argv[1],{highWaterMark:1<<20});s.on('data',c=>h.update(c));s.on('end',()=>console.log(h.digest('hex')))";
    out.hashOnlyMs = medianOf(3, () => run(process.execPath, ['-e', hashScript, file]).ms);
    if (out.signetPullMs === undefined) {
      out.what = "node:crypto streaming hash (signet's hashing path); `signet pull` is not in this build";
      out.signetPullMs = out.hashOnlyMs;
      results.notes.push('`signet pull` was not available in this build, so the SHA-256 row times node:crypto hashing the same file as a stream (what signet uses) instead of a pull.');
    }
  }
  return out;
}

function describeMachine() {
  const cpu = cpus()[0]?.model ?? 'unknown';
  const version = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n')[0];
    } catch {
      return 'n/a';
    }
  };
  const dpkg = (pkg) => version('dpkg-query', ['-W', '-f=${Version}', pkg]);
  return {
    date: new Date().toISOString(),
    nproc: version('nproc', []),
    cpu,
    memory: `${Math.round(Number(readFileSync('/proc/meminfo', 'utf8').match(/MemTotal:\s+(\d+)/)?.[1] ?? 0) / 1024 / 1024)} GiB`,
    node: process.version,
    os: version('uname', ['-sr']),
    notary: dpkg('notary'),
    registry: dpkg('docker-registry'),
  };
}

/** notary and notary-server present, or installed from Debian when we run as root. */
function ensureNotary() {
  const have = (bin) => {
    try {
      execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (have('notary') && have('notary-server')) return true;
  if (process.getuid?.() === 0) {
    log('installing notary from Debian (apt-get install -y notary)');
    for (const args of [['install', '-y', '--no-install-recommends', 'notary'], ['update'], ['install', '-y', '--no-install-recommends', 'notary']]) {
      try {
        execFileSync('apt-get', args, { stdio: 'ignore' });
        if (have('notary') && have('notary-server')) break;
      } catch {
        // try the next step (an update, then the install again)
      }
    }
    if (have('notary') && have('notary-server')) return true;
  }
  log('notary/notary-server not found: running signet only (install with `apt-get install notary`)');
  return false;
}

/** The Markdown of one run: the core report, then each section's. */
function render(results) {
  return [writeReport(results), ...SECTIONS.flatMap((section) => (results.sections?.[section.name] === undefined ? [] : section.report(results.sections[section.name], results)))].join('\n');
}

await mkdir(join(ROOT, 'bench'), { recursive: true });
const reportAt = process.argv.indexOf('--report');
if (reportAt > 0) process.stdout.write(render(JSON.parse(readFileSync(process.argv[reportAt + 1], 'utf8'))));
else await main();
