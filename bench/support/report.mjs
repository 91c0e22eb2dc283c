// Formats one benchmark run as Markdown (printed, and saved as
// bench/RESULTS.md): the machine, each workload with signet and Notary v1
// side by side, ratios, and the targets marked met or missed.

import { fmtBytes, fmtMs, ratio } from './measure.mjs';

const KB = 1000;

/** A Markdown table writer over `p` (first column left-aligned, the rest right-aligned). */
export function tableWriter(p) {
  return (head, rows) => {
    p(`| ${head.join(' | ')} |`);
    p(`|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
    for (const row of rows) p(`| ${row.join(' | ')} |`);
    p();
  };
}

export function writeReport(r) {
  const m = r.machine;
  const lines = [];
  const p = (s = '') => lines.push(s);
  const table = tableWriter(p);

  p('# signet benchmark results');
  p();
  p(`Run of \`npm run bench\` on ${m.date.slice(0, 16).replace('T', ' ')} UTC${r.quick ? ' (BENCH_QUICK: reduced sizes)' : ''}, total ${fmtMs(r.totalMs)}.`);
  p();
  p(`Machine: ${m.nproc} CPUs (\`nproc\`), ${m.cpu}, ${m.memory} RAM, ${m.os}; Node.js ${m.node}; notary ${m.notary}; docker-registry ${m.registry}.`);
  p(`The machine is shared with other work (load average ${m.loadBefore} at the start, ${m.loadAfter} at the end, on ${m.nproc} CPUs), so compare ratios rather than absolute times.`);
  p('Every time is the wall time of a whole CLI process (`node dist/signet.mjs …`, `notary …`) as a user runs it, median of 3–15 runs, unless a row says "in-process".');
  p();

  p('## Bulk signing');
  p();
  p('signet: one `signet sign REF…` process (resolves every manifest, 8 requests in flight, one publish) into a fresh repository with hashed bins. Notary v1: one `notary addhash` per tag (size and sha256 given, no registry access) and one `notary publish`.');
  p();
  table(['tags', 'signet', 'notary', 'notary / signet'], r.sign.map((s) => [s.n.toLocaleString('en'), fmtMs(s.signetMs), fmtMs(s.notaryMs), ratio(s.notaryMs, s.signetMs)]));

  p('## Verify one tag');
  p();
  p('signet: `signet verify REF --json` (TUF refresh through tuf-js, then the manifest fetched and compared), runs interleaved across the repositories. Cold: no trusted state but the pinned root. Warm: after one earlier run. Bytes: trust metadata received. Notary v1: `notary lookup GUN TAG` (no manifest fetch; cold = trust on first use of root); bytes on the wire through a counting relay, TLS and HTTP included (payload in parentheses for cold).');
  p();
  table(
    ['tags', 'signet layout', 'signet cold', 'bytes', 'signet warm', 'bytes', 'notary cold', 'bytes', 'notary warm', 'bytes', 'notary / signet warm'],
    r.verify.map((v) => [
      v.n.toLocaleString('en'),
      v.layout,
      fmtMs(v.signetColdMs),
      fmtBytes(v.signetColdBytes),
      fmtMs(v.signetWarmMs),
      fmtBytes(v.signetWarmBytes),
      fmtMs(v.notaryColdMs),
      v.notaryColdBytes === undefined ? 'n/a' : `${fmtBytes(v.notaryColdBytes)} (${fmtBytes(v.notaryColdPayload)})`,
      fmtMs(v.notaryWarmMs),
      fmtBytes(v.notaryWarmBytes),
      ratio(v.notaryWarmMs, v.signetWarmMs),
    ]),
  );

  p('## Verify 10 images in one call (warm)');
  p();
  table(['workload', 'time'], [
    [`\`signet verify\` with 10 references (${r.bulk.repo})`, fmtMs(r.bulk.signetMs)],
    ['10 × `notary lookup` (warm)', fmtMs(r.bulk.notaryMs)],
    ['ratio notary / signet', ratio(r.bulk.notaryMs, r.bulk.signetMs)],
  ]);

  const [small, large] = Object.keys(r.more).map(Number).sort((a, b) => a - b);
  p('## Sign one more tag');
  p();
  table(['repository', '`signet sign REF`'], [
    [`${small.toLocaleString('en')} tags`, fmtMs(r.more[small])],
    [`${large.toLocaleString('en')} tags`, fmtMs(r.more[large])],
    ['ratio', ratio(r.more[large], r.more[small])],
  ]);

  p('## SHA-256 throughput');
  p();
  const mbps = (ms) => (ms ? `${((r.sha.bytes / 1e6) / (ms / 1000)).toFixed(0)} MB/s` : 'n/a');
  table(['what', 'time', 'throughput'], [
    [`\`sha256sum\` on ${fmtBytes(r.sha.bytes)}`, fmtMs(r.sha.sha256sumMs), mbps(r.sha.sha256sumMs)],
    [r.sha.what, fmtMs(r.sha.signetPullMs), mbps(r.sha.signetPullMs)],
    ...(r.sha.what.startsWith('signet pull') ? [["node:crypto streaming hash of the same file (signet's hashing path, one `node` process)", fmtMs(r.sha.hashOnlyMs), mbps(r.sha.hashOnlyMs)]] : []),
  ]);

  p('## Start-up');
  p();
  table(['command', 'time'], [
    ['`node -e 0`', fmtMs(r.startup.nodeMs)],
    ['`signet --version`', fmtMs(r.startup.signetMs)],
    ['`notary --help`', fmtMs(r.startup.notaryMs)],
  ]);

  p('## Hashed bins: snapshot size and lookup cost by bin count (in-process)');
  p();
  p('Each tag is two targets (tag and digest), as `signet sign` writes them. Generated with the writer library; lookups with tuf-js through `withTrustSession`, in one process (no start-up). "warm, all bins cached": one lookup after the verifier has looked up enough tags to hold every bin in its trusted state. "sign 1 more" is load + add + publish.');
  p();
  table(['layout', 'tags', 'generate', 'snapshot', 'cold lookup', 'cold bytes', 'warm lookup', 'warm bytes', 'warm, all bins cached', 'sign 1 more'], r.bins.map((b) => [
    b.bins ? `${b.bins} bins` : 'flat',
    b.tags.toLocaleString('en'),
    fmtMs(b.generateMs),
    fmtBytes(b.snapshotBytes),
    fmtMs(b.coldMs),
    fmtBytes(b.coldBytes),
    fmtMs(b.warmMs),
    fmtBytes(b.warmBytes),
    fmtMs(b.warmAllBinsMs),
    fmtMs(b.signOneMs),
  ]));

  p('## Targets from issue 6');
  p();
  const sign1000 = r.sign.find((s) => s.n === 1000);
  const v10 = r.verify[0];
  const v10bins = r.verify.find((v) => v.n === v10.n && v.layout !== 'flat');
  const vBig = r.verify.at(-1);
  const check = (ok) => (ok === undefined ? 'not measured' : ok ? 'met' : '**missed**');
  const targets = [
    ['Bulk sign 1,000 registry tags ≥ 25× faster than Notary v1', sign1000?.notaryMs ? `${ratio(sign1000.notaryMs, sign1000.signetMs)}` : 'n/a', check(sign1000?.notaryMs ? sign1000.notaryMs / sign1000.signetMs >= 25 : undefined)],
    [`Verify 1 tag in ${vBig.n.toLocaleString('en')} tags ≤ 1.3× the time in a ${v10.n}-tag (flat) repository (warm)`, ratio(vBig.signetWarmMs, v10.signetWarmMs), check(vBig.signetWarmMs <= 1.3 * v10.signetWarmMs)],
    [`… and cold`, ratio(vBig.signetColdMs, v10.signetColdMs), check(vBig.signetColdMs <= 1.3 * v10.signetColdMs)],
    ...(v10bins
      ? [
          [`… against a ${v10.n}-tag repository with the same ${v10bins.layout} (warm)`, ratio(vBig.signetWarmMs, v10bins.signetWarmMs), check(vBig.signetWarmMs <= 1.3 * v10bins.signetWarmMs)],
          ['… and cold', ratio(vBig.signetColdMs, v10bins.signetColdMs), check(vBig.signetColdMs <= 1.3 * v10bins.signetColdMs)],
        ]
      : []),
    [`… ≤ 100 KB downloaded cold`, fmtBytes(vBig.signetColdBytes), check(vBig.signetColdBytes <= 100 * KB)],
    [`Sign 1 more tag into ${large.toLocaleString('en')} tags ≤ 1.5× the ${small}-tag time`, ratio(r.more[large], r.more[small]), check(r.more[large] <= 1.5 * r.more[small])],
    ['Verify 10 images in one call faster than 10 warm `notary lookup`', r.bulk.notaryMs ? `${fmtMs(r.bulk.signetMs)} vs ${fmtMs(r.bulk.notaryMs)}` : 'n/a', check(r.bulk.notaryMs ? r.bulk.signetMs < r.bulk.notaryMs : undefined)],
    ['`signet pull` hashing ≥ 90% of `sha256sum` throughput (whole pull, start-up and download included)', `${((100 * r.sha.sha256sumMs) / r.sha.signetPullMs).toFixed(0)}%`, check(r.sha.what.startsWith('signet pull') ? r.sha.sha256sumMs / r.sha.signetPullMs >= 0.9 : undefined)],
    ["… signet's hashing path alone (node:crypto stream)", `${((100 * r.sha.sha256sumMs) / r.sha.hashOnlyMs).toFixed(0)}%`, check(r.sha.sha256sumMs / r.sha.hashOnlyMs >= 0.9)],
    ['`signet --version` within 30 ms of `node -e 0`', `+${fmtMs(r.startup.signetMs - r.startup.nodeMs)}`, check(r.startup.signetMs - r.startup.nodeMs <= 30)],
  ];
  table(['target', 'measured', 'status'], targets);

  if (r.notes.length > 0) {
    p('## Notes');
    p();
    for (const note of [...new Set(r.notes)]) p(`- ${note}`);
    p();
  }
  return lines.join('\n');
}
