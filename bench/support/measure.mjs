// Timing helpers for the benchmark: run a command as a child process and
// measure its wall time; medians over a few runs; human formatting.

import { spawn, spawnSync } from 'node:child_process';

/** Run `cmd args` to completion; returns { ms, code, stdout, stderr }. Throws when `check` and it failed. */
export function run(cmd, args, { env = process.env, cwd, check = true, input } = {}) {
  const start = process.hrtime.bigint();
  const res = spawnSync(cmd, args, { env, cwd, input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (res.error) throw res.error;
  if (check && res.status !== 0) {
    throw new Error(`${cmd} ${args.slice(0, 6).join(' ')}${args.length > 6 ? ' …' : ''} exited ${res.status}: ${res.stderr.slice(0, 2000)}`);
  }
  return { ms, code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** `run` without blocking the event loop (needed while an in-process relay serves the child). */
export function runAsync(cmd, args, { env = process.env, cwd, check = true } = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (check && code !== 0) reject(new Error(`${cmd} ${args.slice(0, 6).join(' ')} exited ${code}: ${stderr.slice(0, 2000)}`));
      else resolve({ ms, code, stdout, stderr });
    });
  });
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median wall time of `times` runs of `fn` (which returns ms), after `before()` each time. */
export function medianOf(times, fn) {
  const samples = [];
  for (let i = 0; i < times; i++) samples.push(fn(i));
  return median(samples);
}

export async function medianOfAsync(times, fn) {
  const samples = [];
  for (let i = 0; i < times; i++) samples.push(await fn(i));
  return median(samples);
}

export function fmtMs(ms) {
  if (ms === undefined || ms === null || Number.isNaN(ms)) return 'n/a';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

export function fmtBytes(n) {
  if (n === undefined || n === null || Number.isNaN(n)) return 'n/a';
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/** "12.3×" for a / b, or n/a. */
export function ratio(a, b) {
  if (!a || !b) return 'n/a';
  const r = a / b;
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×`;
}
