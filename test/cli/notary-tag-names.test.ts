// Notary target names that are not Docker tags (issue 13, N5): the real
// `notary` client lists them as they are; `signet migrate notary` imports only
// valid tags and reports the others, and `signet list` output cannot be forged
// by a name with a newline or a tab, wherever that name came from.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printable } from '../../src/cli/printable.js';
import { Keystore } from '../../src/keys/keystore.js';
import { updateRepository } from '../../src/trust/update-repository.js';
import { resolveTrust } from '../../src/workflows/resolve-trust.js';
import { certificatePemOf, craftFiles, onlineKeys, rootCertificateKey } from '../support/notary-crafter.js';
import { startFakeNotaryServer, type FakeNotaryServer } from '../support/fake-notary-server.js';
import { notaryCli, type NotaryCli } from '../support/notary-server.js';
import { fakeTag } from '../support/notary-collection.js';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

const GUN = '127.0.0.1:5000/tags/app';
const good = fakeTag('1.0', 'good', 101);
const forged = fakeTag('2.0', 'forged', 202);
/** Prints, unescaped, as a second `signet list` line claiming tags/app:2.0 is signed. */
const FORGING = `x\ttags/app:2.0\tsha256:${forged.sha256}\t202\ttargets\ntags/app:y`;
const BAD_NAMES = ['', '../../evil', FORGING];

/** Every line of `signet list` output: name, digest, length, role. */
const LIST_LINE = /^tags\/app[:@][^\t\n]+\tsha256:[0-9a-f]{64}\t\d+\t[a-z/]+$/;

describe('Notary target names that are not Docker tags', () => {
  let server: FakeNotaryServer;
  let s: SignetEnv;
  let notary: NotaryCli;
  let pinFile: string;

  beforeAll(async () => {
    server = await startFakeNotaryServer();
    const rootKey = await rootCertificateKey(GUN, 3650);
    const targets: Record<string, { sha256: string; length: number }> = { [good.tag]: { sha256: good.sha256, length: good.size } };
    for (const name of BAD_NAMES) targets[name] = { sha256: forged.sha256, length: forged.size };
    server.serve(GUN, craftFiles({ root: rootKey, rootVersion: 1, keys: onlineKeys(), roles: [{ name: 'targets', version: 1, targets }], snapshotVersion: 1, timestampVersion: 1 }));
    s = await makeSignetEnv();
    pinFile = join(s.dir, 'root.crt');
    await writeFile(pinFile, certificatePemOf(rootKey));
    notary = await notaryCli(server);
    const init = await s.cli(['init', join(s.dir, 'trust'), '--scope', 'tags/app']);
    expect(init.code, init.stderr).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await s?.cleanup();
    await notary?.cleanup();
    await server?.stop();
  });

  it('notary lists them; signet imports only the valid tag, reports the others escaped, and list stays one line per target', async () => {
    const listed = await notary.run('list', GUN);
    expect(listed).toContain('../../evil');

    const migrate = await s.cli(['migrate', 'notary', GUN, '--server', server.url, '--tls-ca', server.caFile, '--root-cert', pinFile]);
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(migrate.stdout).toMatch(/^imported\ttags\/app:1\.0\t/m);
    expect(migrate.stdout).not.toMatch(/evil|tags\/app:2\.0|tags\/app:\t/);
    expect(migrate.stderr).toContain('ignored: "../../evil" in targets: not a valid Docker tag');
    expect(migrate.stderr).toContain('ignored: "" in targets: not a valid Docker tag');
    expect(migrate.stderr).toContain(`ignored: ${printable(JSON.stringify(FORGING))} in targets`);
    expect(migrate.stderr.split('\n').filter((line) => line.startsWith('tags/app:'))).toEqual([]);

    const list = await s.cli(['list']);
    expect(list.code, list.stderr).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(LIST_LINE);
  });

  it('list escapes a control character in a name already in the trust repository (written by an older signet)', async () => {
    const ctx = s.context();
    const trust = await resolveTrust('tags/app', {}, ctx);
    await updateRepository(trust.store, trust.pinnedRoot, { signers: new Keystore(ctx.home).signerProvider(ctx.passphrases), now: ctx.now }, (repo) =>
      repo.addTarget({ name: `tags/app:${FORGING}`, length: forged.size, sha256: forged.sha256 }),
    );
    const list = await s.cli(['list']);
    expect(list.code, list.stderr).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines).toContain(`tags/app:${printable(FORGING)}\tsha256:${forged.sha256}\t202\ttargets`);
    expect(lines.filter((l) => l.startsWith('tags/app:2.0'))).toEqual([]);
    const json = JSON.parse((await s.cli(['list', '--json'])).stdout) as { targets: Array<{ name: string }> };
    expect(json.targets.map((t) => t.name)).toContain(`tags/app:${FORGING}`);
  });
});

describe('printable names', () => {
  it('escapes control characters, line separators and bidi overrides, and leaves the rest alone', () => {
    expect(printable('team/app:1.0')).toBe('team/app:1.0');
    expect(printable('a\nb\tc\rd\x1b[31m')).toBe('a\\x0ab\\x09c\\x0dd\\x1b[31m');
    expect(printable('a\u0085b\u2028c\u202ed\u2066e\x7f')).toBe('a\\x85b\\u{2028}c\\u{202e}d\\u{2066}e\\x7f');
    expect(printable('café ü 日本')).toBe('café ü 日本');
  });
});
