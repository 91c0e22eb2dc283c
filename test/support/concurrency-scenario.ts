// The concurrent-publishers scenario of issue 7, with real processes: signer
// lanes run the bundled CLI (`node signet.mjs sign`, see bundleCli) in batches into one
// trust repository while verifier loops run `signet verify` on one tag at a
// time. Each verification is judged against what the signers had finished
// when it started: a tag whose sign had exited 0 must verify (exit 0), a tag
// never signed must be refused (exit 1), a tag in flight may be either.

import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { RegistryClient } from '../../src/registry/registry-client.js';
import { mapLimit } from '../../src/workflows/map-limit.js';
import { buildImage, pushImage } from './oci-images.js';

export const PASSPHRASE = 'TEST-ONLY concurrency passphrase';

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The bundled CLI the processes run (set by the test, see bundleCli). */
let cliPath = join(process.cwd(), 'dist', 'signet.mjs');
export function useCli(path: string): void {
  cliPath = path;
}

export function runSignet(args: string[], home: string): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      env: { PATH: process.env['PATH'] ?? '', HOME: home, SIGNET_HOME: home, SIGNET_PASSPHRASE: PASSPHRASE, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface ScenarioOptions {
  dir: string;
  registryHost: string;
  /** Trust repository location (directory or oci://). */
  trustRepo: string;
  lanes: number;
  tagsPerLane: number;
  batchSize: number;
  verifierLoops: number;
  unsignedTags: number;
}

export interface Judgement {
  tag: string;
  expected: 'signed' | 'unsigned' | 'in-flight';
  code: number | null;
  stderr: string;
}

export interface ScenarioReport {
  signFailures: ProcessResult[];
  verifications: Judgement[];
  violations: Judgement[];
  final: ProcessResult;
  signProcesses: number;
  /** Publishes re-applied after a lost lock or race (from the signers' diagnostics). */
  republishes: number;
  seconds: number;
}

const repository = 'team/app';

export async function runScenario(o: ScenarioOptions): Promise<ScenarioReport> {
  const started = performance.now();
  const signerHome = join(o.dir, 'signer-home');
  const init = await runSignet(['init', o.trustRepo, '--json'], signerHome);
  if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
  const rootPath = (JSON.parse(init.stdout) as { rootPath: string }).rootPath;

  // Every image distinct; tags s<lane>-<n> get signed, u-<n> never do.
  const laneTags = Array.from({ length: o.lanes }, (_, lane) => Array.from({ length: o.tagsPerLane }, (_, n) => `s${lane}-${String(n).padStart(2, '0')}`));
  const unsigned = Array.from({ length: o.unsignedTags }, (_, n) => `u-${n}`);
  const client = new RegistryClient();
  await mapLimit([...laneTags.flat(), ...unsigned], 8, (tag) => pushImage(client, { registry: o.registryHost, repository }, tag, buildImage(`img-${tag}`)));
  await client.close();
  const ref = (tag: string) => `${o.registryHost}/${repository}:${tag}`;
  const trustArgs = ['--trust-repo', o.trustRepo, '--root', rootPath];

  const done = new Set<string>();
  const begun = new Set<string>();
  const signFailures: ProcessResult[] = [];
  let signProcesses = 0;
  let republishes = 0;
  let signing = true;

  const lane = async (tags: string[]) => {
    for (let i = 0; i < tags.length; i += o.batchSize) {
      const batch = tags.slice(i, i + o.batchSize);
      batch.forEach((t) => begun.add(t));
      signProcesses++;
      const result = await runSignet(['sign', ...trustArgs, ...batch.map(ref)], signerHome);
      republishes += (result.stderr.match(/\(attempt \d+ of \d+\)/g) ?? []).length;
      if (result.code === 0) batch.forEach((t) => done.add(t));
      else signFailures.push(result);
    }
  };

  const verifications: Judgement[] = [];
  const verifier = async (index: number) => {
    const home = join(o.dir, `verifier-${index}`);
    for (let round = 0; signing; round++) {
      const signedNow = [...done];
      const kind = round % 3;
      let tag: string;
      if (kind === 0 && signedNow.length > 0) tag = signedNow[Math.floor(Math.random() * signedNow.length)]!;
      else if (kind === 1) tag = unsigned[Math.floor(Math.random() * unsigned.length)]!;
      else {
        const all = laneTags.flat();
        tag = all[Math.floor(Math.random() * all.length)]!;
      }
      const expected = done.has(tag) ? 'signed' : unsigned.includes(tag) ? 'unsigned' : 'in-flight';
      const result = await runSignet(['verify', ...trustArgs, ref(tag)], home);
      verifications.push({ tag, expected, code: result.code, stderr: result.stderr });
    }
  };

  const verifiers = Array.from({ length: o.verifierLoops }, (_, i) => verifier(i));
  await Promise.all(laneTags.map(lane));
  signing = false;
  await Promise.all(verifiers);

  const final = await runSignet(['verify', ...trustArgs, ...laneTags.flat().map(ref)], join(o.dir, 'final-verifier'));
  const violations = verifications.filter(
    (v) =>
      (v.expected === 'signed' && v.code !== 0) ||
      (v.expected === 'unsigned' && v.code !== 1) ||
      (v.expected === 'in-flight' && v.code !== 0 && v.code !== 1),
  );
  void begun;
  await fs.writeFile(join(o.dir, 'report.json'), JSON.stringify({ verifications, signFailures }, null, 1));
  return { signFailures, verifications, violations, final, signProcesses, republishes, seconds: (performance.now() - started) / 1000 };
}
