import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type RegistryServer } from '../support/registry-server.js';
import { runScenario, useCli, type ScenarioOptions } from '../support/concurrency-scenario.js';
import { bundleCli } from '../support/bundle.js';

let reg: RegistryServer;
let dir: string;
beforeAll(async () => {
  reg = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'signet-concurrency-'));
  // The CLI as `node scripts/build.mjs` bundles it, built from the current sources into the temp dir.
  useCli(await bundleCli(join(dir, 'cli')));
});
afterAll(async () => {
  await reg?.stop();
  await rm(dir, { recursive: true, force: true });
});

// 8 signer lanes × 25 tags, each lane signing in 5 processes of 5 tags
// (keystore unlock costs ~0.2 s of scrypt per key per process), while two
// verifier loops run `signet verify` one tag at a time.
const shape = { lanes: 8, tagsPerLane: 25, batchSize: 5, verifierLoops: 2, unsignedTags: 10 };

async function scenario(trustRepo: (label: string) => string, label: string) {
  const caseDir = join(dir, label);
  const options: ScenarioOptions = { ...shape, dir: caseDir, registryHost: reg.host, trustRepo: trustRepo(label) };
  const report = await runScenario(options);
  const count = (kind: string) => report.verifications.filter((v) => v.expected === kind).length;
  console.log(
    `${label}: ${report.signProcesses} sign processes (${report.republishes} publishes re-applied), ` +
      `${report.verifications.length} verifications (${count('signed')} signed, ${count('unsigned')} unsigned, ${count('in-flight')} in flight) in ${report.seconds.toFixed(1)} s`,
  );
  expect(report.signFailures.map((f) => f.stderr)).toEqual([]);
  expect(report.violations).toEqual([]);
  expect(report.verifications.filter((v) => v.expected === 'signed').length).toBeGreaterThan(0);
  expect(report.verifications.filter((v) => v.expected === 'unsigned').length).toBeGreaterThan(0);
  expect({ code: report.final.code, stderr: report.final.stderr }).toEqual({ code: 0, stderr: '' });
  expect(report.final.stdout.trim().split('\n')).toHaveLength(shape.lanes * shape.tagsPerLane);
}

describe('when 8 signers publish into one trust repository at once', () => {
  it('in an OCI registry, loses no target and no verifier ever gets a wrong answer', async () => {
    await scenario((label) => `oci://${reg.host}/team/app-trust-${label}`, 'oci');
  }, 600_000);

  it('in a directory, loses no target and no verifier ever gets a wrong answer', async () => {
    await scenario((label) => join(dir, label, 'trust'), 'dir');
  }, 600_000);
});
