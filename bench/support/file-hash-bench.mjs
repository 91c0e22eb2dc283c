// File targets: `signet verify file:BIG` (start-up, TUF refresh, then the file
// hashed as a stream in 1 MiB chunks) against `sha256sum` on the same file,
// interleaved; and the verifier's peak memory, which must not grow with the file.

import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fmtBytes, fmtMs, median, run } from './measure.mjs';

/** Write `size` bytes of non-repeating data in 16 MiB writes. */
async function writeBigFile(path, size) {
  const handle = await open(path, 'w');
  try {
    const chunk = Buffer.alloc(16 * 1024 * 1024);
    for (let written = 0, i = 0; written < size; i++) {
      chunk.writeUInt32LE(i, 0);
      for (let j = 4; j < chunk.length; j += 4096) chunk.writeUInt32LE((i * 2654435761 + j) >>> 0, j);
      const n = Math.min(chunk.length, size - written);
      await handle.write(chunk, 0, n);
      written += n;
    }
  } finally {
    await handle.close();
  }
}

/** `signet`: run the built CLI with the bench env. Returns the figures for the report. */
export async function measureFileHash({ work, signet, signetPath, env, quick, log }) {
  const bytes = quick ? 64 * 1024 * 1024 : 2 * 1024 * 1024 * 1024;
  const small = join(work, 'small.bin');
  const big = join(work, 'big.bin');
  log(`file targets: writing ${fmtBytes(bytes)}`);
  await writeBigFile(big, bytes);
  await writeBigFile(small, 1024 * 1024);
  signet(['init', join(work, 'trust-files'), '--scope', 'files/bench/**']);
  const prefix = ['--file-prefix', 'files/bench/'];
  const signMs = signet(['sign', `file:${big}`, `file:${small}`, ...prefix]).ms;
  run('sha256sum', [big]); // warm the page cache for both
  const sums = [];
  const verifies = [];
  for (let i = 0; i < 3; i++) {
    sums.push(run('sha256sum', [big]).ms);
    verifies.push(signet(['verify', `file:${big}`, ...prefix]).ms);
  }
  const peakKb = (file) => {
    const res = run('/usr/bin/time', ['-f', '%M', process.execPath, signetPath, 'verify', `file:${file}`, ...prefix], { env, cwd: work });
    return Number(res.stderr.trim().split('\n').at(-1));
  };
  const out = { bytes, signMs, sha256sumMs: median(sums), verifyMs: median(verifies), smallVerifyMs: signet(['verify', `file:${small}`, ...prefix]).ms, peakKbBig: peakKb(big), peakKbSmall: peakKb(small) };
  await rm(big, { force: true });
  return out;
}

/** The Markdown section for bench/RESULTS.md. */
export function fileHashSection(f) {
  const mbps = (ms) => `${(f.bytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s`;
  const pct = (100 * f.sha256sumMs) / f.verifyMs;
  return [
    '## Files: hashing a large file target',
    '',
    `One ${fmtBytes(f.bytes)} file, signed with \`signet sign file:…\` (${fmtMs(f.signMs)}, hashing included), then \`signet verify file:…\` (a whole CLI run: start-up, TUF refresh, the file read in 1 MiB chunks through the one content check) against \`sha256sum\` on the same file, interleaved, page cache warm, medians of 3.`,
    '',
    '| what | time | throughput |',
    '|---|---:|---:|',
    `| \`sha256sum\` | ${fmtMs(f.sha256sumMs)} | ${mbps(f.sha256sumMs)} |`,
    `| \`signet verify file:…\` | ${fmtMs(f.verifyMs)} | ${mbps(f.verifyMs)} |`,
    `| signet as a share of sha256sum's throughput (target ≥ 90%) | ${pct.toFixed(0)}% | ${pct >= 90 ? 'met' : 'missed'} |`,
    '',
    `Peak memory (\`/usr/bin/time -f %M\`) of \`signet verify file:…\`: ${(f.peakKbBig / 1024).toFixed(0)} MiB for the ${fmtBytes(f.bytes)} file, ${(f.peakKbSmall / 1024).toFixed(0)} MiB for a 1 MiB file: constant in the file size.`,
    '',
  ];
}
