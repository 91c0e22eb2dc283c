// The gate's tag checks against a real registry (in process, so each
// decision's reference time is chosen): identical concurrent checks share
// one registry fetch, and the /mutate tag memo never outlives its window or
// a trust refresh — a re-pointed tag is denied after the window (and at
// once with the memo off, and always on /validate), a revocation is denied
// at the first decision after the refresh that brings it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RegistryClient } from '../../src/registry/registry-client.js';
import { Gate, type Decision } from '../../src/admission/gate.js';
import { startRegistry, type RegistryServer } from '../support/registry-server.js';
import { buildImage, pushImage, type BuiltImage } from '../support/oci-images.js';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';
import type { TagUse } from '../../src/admission/tag-checks.js';

let reg: RegistryServer;
let s: SignetEnv;
const images = new Map<string, BuiltImage>();
const REPOS = ['team/app', 'team/scale', 'team/moved', 'team/moved-strict', 'team/revoked'];
const ref = (path: string) => `${reg.host}/${path}`;
const deployerHome = () => join(s.dir, 'deployer');
const gates: Gate[] = [];

beforeAll(async () => {
  [reg, s] = await Promise.all([startRegistry(), makeSignetEnv()]);
  const client = new RegistryClient();
  for (const repo of [...REPOS, 'team/unsigned']) {
    const image = buildImage(`${repo}:1.0`);
    images.set(repo, image);
    await pushImage(client, { registry: reg.host, repository: repo }, '1.0', image);
  }
  await client.close();
  const init = await s.cli(['init', join(s.dir, 'trust'), '--scope', 'team/*', '--json']);
  expect(init.code, init.stderr).toBe(0);
  const sign = await s.cli(['sign', ...REPOS.map((r) => ref(`${r}:1.0`))]);
  expect(sign.code, sign.stderr).toBe(0);
  await mkdir(deployerHome(), { recursive: true });
  const rootPath = (JSON.parse(init.stdout) as { rootPath: string }).rootPath;
  await writeFile(join(deployerHome(), 'policy.json'), JSON.stringify({ version: 1, trust: [{ scope: 'team/*', store: join(s.dir, 'trust'), root: rootPath }] }));
}, 120_000);

afterAll(async () => {
  await Promise.all(gates.map((g) => g.close()));
  await Promise.all([reg?.stop(), s?.cleanup()]);
});

const MINUTE = 60_000;

function gate(tagMemoMs: number, refreshMs = 60 * MINUTE): Gate {
  const g = new Gate(
    { rules: { rules: [] }, budgetMs: 20_000, trust: {}, tagMemoMs, warm: { refreshMs, expiryMarginMs: 0, retryMs: 1000 } },
    { ...s.context(), home: deployerHome() },
  );
  gates.push(g);
  return g;
}

const pod = (...imageRefs: string[]) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: imageRefs.map((image, i) => ({ name: `c${i}`, image })) } });
const decide = (g: Gate, image: string, at: number, use: TagUse): Promise<Decision> => g.decide(pod(image), 'default', new Date(at), use);
const digestOf = (repo: string) => images.get(repo)!.descriptor.digest;

async function repoint(repo: string): Promise<void> {
  const client = new RegistryClient();
  await pushImage(client, { registry: reg.host, repository: repo }, '1.0', buildImage(`attacker ${repo}`));
  await client.close();
}

describe('a ReplicaSet scaling up: 20 identical Pods at once', () => {
  it('makes one registry fetch for the tag, and every Pod gets its own allowed, pinned decision', async () => {
    const g = gate(0);
    const t0 = Date.now();
    const decisions = await Promise.all(Array.from({ length: 20 }, () => decide(g, ref('team/scale:1.0'), t0, 'mutate')));
    expect(g.tagStats()).toEqual({ fetched: 1, joined: 19, remembered: 0 });
    for (const d of decisions) {
      expect(d.allowed).toBe(true);
      expect(d.patch).toEqual([{ op: 'replace', path: '/spec/containers/0/image', value: `${ref('team/scale')}@${digestOf('team/scale')}` }]);
    }
    expect(new Set(decisions.map((d) => d.images[0])).size).toBe(20);
    // Nothing is kept after the fetch landed (memo off): the next check asks the registry again.
    expect((await decide(g, ref('team/scale:1.0'), t0, 'validate')).allowed).toBe(true);
    expect(g.tagStats().fetched).toBe(2);
  });

  it('shares a failure only among the checks that were waiting for it', async () => {
    const g = gate(5000);
    const t0 = Date.now();
    const denied = await Promise.all(Array.from({ length: 5 }, () => decide(g, ref('team/unsigned:1.0'), t0, 'mutate')));
    expect(denied.map((d) => d.allowed)).toEqual([false, false, false, false, false]);
    expect(denied[0]!.message).toMatch(/team\/unsigned:1\.0.*is not signed/);
    expect(g.tagStats()).toEqual({ fetched: 1, joined: 4, remembered: 0 });
    expect((await decide(g, ref('team/unsigned:1.0'), t0 + 1, 'mutate')).allowed).toBe(false);
    expect(g.tagStats()).toEqual({ fetched: 2, joined: 4, remembered: 0 }); // a failure is never remembered
  });
});

describe('a tag re-pointed to other bytes after signing, with a 5 s tag memo', () => {
  it('is denied on /validate at once; /mutate pins the signed digest within the window and denies after it', async () => {
    const g = gate(5000);
    const t0 = Date.now();
    const first = await decide(g, ref('team/moved:1.0'), t0, 'mutate');
    expect(first.allowed).toBe(true);
    await repoint('team/moved');
    const validated = await decide(g, ref('team/moved:1.0'), t0 + 1000, 'validate');
    expect(validated.allowed).toBe(false);
    expect(validated.message).toMatch(/does not match its signature/);
    // Within the window /mutate reuses the manifest it fetched, verified again: the Pod runs the signed bytes.
    const within = await decide(g, ref('team/moved:1.0'), t0 + 3000, 'mutate'); // each entry's window is 3.75 to 5 s
    expect(within.allowed).toBe(true);
    expect(within.patch[0]?.value).toBe(`${ref('team/moved')}@${digestOf('team/moved')}`);
    expect(g.tagStats().remembered).toBe(1);
    const after = await decide(g, ref('team/moved:1.0'), t0 + 5000, 'mutate');
    expect(after.allowed).toBe(false);
    expect(after.message).toMatch(/does not match its signature/);
  });

  it('with --tag-memo 0, /mutate denies it at the very next decision', async () => {
    const g = gate(0);
    const t0 = Date.now();
    expect((await decide(g, ref('team/moved-strict:1.0'), t0, 'mutate')).allowed).toBe(true);
    await repoint('team/moved-strict');
    const next = await decide(g, ref('team/moved-strict:1.0'), t0 + 1, 'mutate');
    expect(next.allowed).toBe(false);
    expect(next.message).toMatch(/does not match its signature/);
  });
});

describe('an image revoked while its tag is in a 10-minute memo', () => {
  it('is denied by the first /mutate decision after the 1-minute refresh, inside the memo window', async () => {
    const g = gate(10 * MINUTE, MINUTE);
    const t0 = Date.now();
    expect((await decide(g, ref('team/revoked:1.0'), t0, 'mutate')).allowed).toBe(true);
    const revoke = await s.cli(['revoke', ref('team/revoked:1.0'), '--reason', 'CVE-2026-0002']);
    expect(revoke.code, revoke.stderr).toBe(0);
    const answer = await decide(g, ref('team/revoked:1.0'), t0 + MINUTE + 1000, 'mutate');
    expect(answer.allowed).toBe(false);
    expect(answer.message).toMatch(/revoked|CVE-2026-0002|not signed/);
    expect(g.tagStats().remembered).toBe(0);
  });
});
