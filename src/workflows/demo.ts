// `signet demo`: the whole flow on an OCI layout and a directory trust store
// in a fresh temporary directory, narrated step by step. Nothing outside that
// directory is touched; the keys are throwaway and unlocked by a passphrase
// that lives only in memory.

import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { writeSampleLayout, addToLayout, sampleManifest } from '../image/sample-images.js';
import { initTrustRepository } from './init.js';
import { signImages } from './sign.js';
import { verifyImages, type VerifyOutcome } from './verify.js';
import { revokeImages } from './revoke.js';
import { EXIT, UsageError } from '../errors.js';
import { KeyRing } from '../keys/key-ring.js';
import type { SignetContext } from './context.js';

export interface DemoOptions {
  /** Work here instead of a new temporary directory. */
  dir?: string;
  /** One line of narration. */
  say: (line: string) => void;
  now?: Date;
}

export interface DemoResult {
  ok: boolean;
  dir: string;
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { say } = options;
  const dir = options.dir !== undefined ? await emptyDirectory(resolve(options.dir)) : await fs.mkdtemp(join(tmpdir(), 'signet-demo-'));
  const passphrase = randomBytes(18).toString('base64');
  const home = join(dir, 'signet-home');
  const passphrases = async () => passphrase;
  const ctx: SignetContext = { home, cwd: dir, now: options.now ?? new Date(), passphrases, keys: new KeyRing({ home, passphrases }), log: () => undefined };
  const layout = join(dir, 'images', 'app');
  const ref = (tag: string) => `oci-layout:${layout}:${tag}`;
  let ok = true;
  const expect = (cond: boolean, what: string) => {
    if (!cond) {
      ok = false;
      say(`  !! unexpected: ${what}`);
    }
  };

  say(`signet demo, working in ${dir}`);
  say('A release pipeline signs container images; a deploy step checks each image against those');
  say('signatures and refuses anything unsigned, changed or withdrawn. This demo plays both sides');
  say('on local files (no registry, no network).');
  say('');
  say('1. Build an OCI image layout on disk with two tags:');
  await writeSampleLayout(layout);
  say(`   ${layout}  app:1.0 (one platform), app:2.0 (index: linux/amd64 + linux/arm64)`);

  say('2. Create a trust repository: a directory of signed JSON files (TUF metadata) saying which');
  say('   image digests are good. Four keys, one per role: root names the other keys (kept offline');
  say('   in production), targets signs the images, snapshot and timestamp prove the files are');
  say('   complete and fresh:');
  const init = await initTrustRepository(join(dir, 'trust'), { scope: 'app' }, ctx);
  for (const key of init.keys) say(`   ${key.role.padEnd(9)} key ${key.keyId.slice(0, 12)}`);
  say(`   root pinned at ${init.rootPath}: the verifier trusts only keys this pinned root names`);
  say(`   policy: images named "app" → ${init.location}`);

  say('3. Sign both tags (tag and digest targets; the index also signs its platform manifests):');
  for (const signed of await signImages([ref('1.0'), ref('2.0')], {}, ctx)) {
    say(`   signed app:${signed.kind === 'image' ? signed.tag : signed.name} = ${signed.digest} (${signed.targets.length} targets)`);
  }

  say('4. Verify both tags: from the pinned root, check the signatures, versions and expiry of every');
  say('   trust file (with tuf-js), then hash the manifest and compare it with the signed digest:');
  for (const outcome of (await verifyImages([ref('1.0'), ref('2.0')], {}, ctx)).outcomes) {
    say(`   ${describe(outcome)}`);
    expect(outcome.ok, `${outcome.reference} should verify`);
  }

  say('5. An attacker re-points tag 1.0 at a different manifest in the layout:');
  await addToLayout(layout, '1.0', sampleManifest('hello from an attacker'));
  const [tampered] = (await verifyImages([ref('1.0')], {}, ctx)).outcomes;
  say(`   ${describe(tampered!)}`);
  const tamperedExit = tampered!.ok ? EXIT.ok : EXIT[tampered!.error.kind];
  say(`   → exit code ${tamperedExit} (1 = verification failed): the deploy step refuses it`);
  expect(tamperedExit === EXIT.invalid, 'the tampered tag should fail with exit 1');

  say('6. The other tag is untouched and still verifies:');
  const [other] = (await verifyImages([ref('2.0')], {}, ctx)).outcomes;
  say(`   ${describe(other!)}`);
  expect(other!.ok, 'app:2.0 should still verify');

  say('7. A release is withdrawn: app:3.0 is built and signed, then app:2.0 is revoked (one publish):');
  await addToLayout(layout, '3.0', sampleManifest('release 3.0'));
  await signImages([ref('3.0')], {}, ctx);
  for (const report of await revokeImages([ref('2.0')], { reason: 'withdrawn in the demo' }, ctx)) {
    for (const r of report.revoked) say(`   revoked ${r.target}`);
  }
  const [revoked] = (await verifyImages([ref('2.0')], {}, ctx)).outcomes;
  say(`   ${describe(revoked!)}`);
  const revokedExit = revoked!.ok ? EXIT.ok : EXIT[revoked!.error.kind];
  say(`   → exit code ${revokedExit}: a revoked tag is refused like a tampered one`);
  expect(revokedExit === EXIT.invalid && !revoked!.ok && revoked!.error.code === 'revoked', 'the revoked tag should fail with exit 1 as revoked');

  say('8. The other release (app:3.0) still verifies:');
  const [current] = (await verifyImages([ref('3.0')], {}, ctx)).outcomes;
  say(`   ${describe(current!)}`);
  expect(current!.ok, 'app:3.0 should still verify');

  say('');
  say(ok ? 'Demo finished: signing, verification and revocation behaved as expected.' : 'Demo finished with unexpected results (see !! lines).');
  say(`Files are in ${dir} (trust metadata in ${join(dir, 'trust')}).`);
  say('Next: the Quick start in README.md does the same with your own images and keys.');
  return { ok, dir };
}

/** `dir`, created if missing; a UsageError before anything is written when it holds files. */
async function emptyDirectory(dir: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  if ((await fs.readdir(dir)).length > 0) throw new UsageError('demo-dir-not-empty', `${dir} is not empty; give \`signet demo --dir\` a new or empty directory`);
  return dir;
}

function describe(outcome: VerifyOutcome): string {
  if (outcome.ok) return `OK       ${outcome.verified}`;
  return `REFUSED  ${outcome.error.message}`;
}
