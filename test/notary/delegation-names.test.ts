// Delegation names (issue 13, N3): the same crafted collections, served over
// TLS, to the real `notary` client and to signet. Names notary accepts
// (`targets/_ci`, `targets/team-a/_x`) no longer break the whole collection;
// names notary refuses make signet refuse it too, with exit 1 and the reason.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isNotaryDelegationName } from '../../src/notary/notary-role-names.js';
import { certificatePemOf, craftFiles, ecdsaKey, onlineKeys, rootCertificateKey, type CraftedRole, type CraftKey } from '../support/notary-crafter.js';
import { startFakeNotaryServer, type FakeNotaryServer } from '../support/fake-notary-server.js';
import { notaryCli, type NotaryCli } from '../support/notary-server.js';
import { fakeTag } from '../support/notary-collection.js';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

const released = fakeTag('1.0', 'released', 101);
const ci = fakeTag('ci-build', 'ci', 55);
const tag = (t: typeof released) => ({ [t.tag]: { sha256: t.sha256, length: t.size } });

describe('Notary delegation names', () => {
  let server: FakeNotaryServer;
  let s: SignetEnv;
  let notary: NotaryCli;
  let gun: string;
  let rootKey: CraftKey;
  let pinFile: string;
  let counter = 0;

  beforeAll(async () => {
    server = await startFakeNotaryServer();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    gun = `127.0.0.1:5000/names/app${++counter}`;
    rootKey = await rootCertificateKey(gun, 3650);
    s = await makeSignetEnv();
    pinFile = join(s.dir, 'root.crt');
    await writeFile(pinFile, certificatePemOf(rootKey));
    notary = await notaryCli(server);
  });
  afterEach(async () => {
    await s.cleanup();
    await notary.cleanup();
  });

  /** Serve targets delegating to `names` (one key each), each signing its own tags. */
  function serve(delegations: Array<{ name: string; parent?: string; targets: CraftedRole['targets'] }>): void {
    const keys = new Map(delegations.map((d) => [d.name, ecdsaKey()]));
    const roles: CraftedRole[] = [{ name: 'targets', version: 1, targets: {} }];
    for (const d of delegations) {
      const parentName = d.parent ?? 'targets';
      let parent = roles.find((r) => r.name === parentName);
      if (!parent) {
        parent = { name: parentName, version: 1, targets: {}, signers: [keys.get(parentName)!] };
        roles.push(parent);
      }
      (parent.delegations ??= []).push({ name: d.name, keys: [keys.get(d.name)!], threshold: 1, paths: [''] });
      const own = roles.find((r) => r.name === d.name);
      if (own) own.targets = d.targets;
      else roles.push({ name: d.name, version: 1, targets: d.targets, signers: [keys.get(d.name)!] });
    }
    server.serve(gun, craftFiles({ root: rootKey, rootVersion: 1, keys: onlineKeys(), roles, snapshotVersion: 1, timestampVersion: 1 }));
  }

  async function notaryList(): Promise<{ ok: boolean; output: string }> {
    try {
      return { ok: true, output: await notary.run('list', gun) };
    } catch (error) {
      return { ok: false, output: (error as Error).message };
    }
  }

  const migrate = () => s.cli(['migrate', 'notary', gun, '--server', server.url, '--tls-ca', server.caFile, '--root-cert', pinFile, '--dry-run']);

  describe('when delegates use names notary accepts (targets/_ci, targets/team-a/_x)', () => {
    it('notary lists every tag, and signet imports the targets/releases tag as before', async () => {
      serve([
        { name: 'targets/releases', targets: tag(released) },
        { name: 'targets/_ci', targets: tag(ci) },
        { name: 'targets/team-a', targets: {} },
        { name: 'targets/team-a/_x', parent: 'targets/team-a', targets: tag(fakeTag('x', 'x', 7)) },
      ]);
      const listed = await notaryList();
      expect(listed.ok, listed.output).toBe(true);
      expect(listed.output).toContain('ci-build');
      const plan = await migrate();
      expect(plan.code, plan.stderr).toBe(0);
      expect(plan.stdout).toMatch(/^would import\tnames\/app\d+:1\.0\tsha256:[0-9a-f]{64}\t101\ttargets\/releases$/m);
      expect(plan.stdout).not.toContain('ci-build');
      expect(plan.stderr).not.toMatch(/skipped/);
    });
  });

  describe('when targets delegates to a name notary refuses (uppercase)', () => {
    it('notary refuses the collection, and signet refuses it with exit 1 and the name', async () => {
      serve([
        { name: 'targets/releases', targets: tag(released) },
        { name: 'targets/Team', targets: tag(ci) },
      ]);
      const listed = await notaryList();
      expect(listed.ok, listed.output).toBe(false);
      const plan = await migrate();
      expect(plan.code, plan.stdout).toBe(1);
      expect(plan.stderr).toMatch(/targets of .* delegates to "targets\/Team", which is not a valid Notary delegation/);
    });
  });

  describe('notary’s name rule', () => {
    it.each([
      ['targets/releases', true],
      ['targets/_ci', true],
      ['targets/team-a/_x', true],
      ['targets/', false],
      ['targets', false],
      ['targets/Team', false],
      ['targets/a//b', false],
      ['targets/a/', false],
      ['targets/a/../b', false],
      ['targets/a.b', false],
      ['targets/a\nb', false],
      [`targets/${'a'.repeat(248)}`, false],
      [`targets/${'a'.repeat(247)}`, true],
    ])('%s is valid: %s', (name, valid) => {
      expect(isNotaryDelegationName(name)).toBe(valid);
    });
  });
});
