// Issue 14 "done when": a release team's first month on a real registry with
// token auth, three SIGNET_HOMEs and a clock that moves (Date faked, nothing
// else). The release pipeline inits the trust repository in the registry and
// signs a release every day; the documented cron line runs on it (every 6 h of
// the month here, to keep the run short: test/cli/timestamp-cron.test.ts runs it
// hourly through 8+ days); releases are signed by a delegation whose key lives on
// the pipeline only, rotated on day 15 to a new pipeline key from its public file;
// the security team holds the targets key and copies of the online keys and
// lists; the pipeline revokes a release it signed (only it holds app-ci's key); the deploy machine is set up with `signet trust
// add` from the root file alone and checks, at every step, `status --check` and
// a batch `verify --json` (first release, the revoked one, the two newest)
// parsed with jq and JSON.parse. Measured: ~480 s at load average 20+ when every
// release was in the batch; the batch is capped at four references since.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../../src/cli/run-cli.js';
import { CRON_LINE } from '../../src/cli/commands/timestamp.js';
import { RegistryClient } from '../../src/registry/registry-client.js';
import { staticCredentials } from '../../src/registry/credentials.js';
import { requireBinary, startRegistry, type RegistryServer } from '../support/registry-server.js';
import { buildImage, pushImage } from '../support/oci-images.js';

const HOUR = 3600_000;
const DAYS = 30;
const STEP_HOURS = 6;
const USER = { username: 'release-bot', password: 'TEST-ONLY first month registry password' };
const PASS = 'TEST-ONLY first month passphrase';
let reg: RegistryServer;
let dir: string;
let start: number;
const home = (who: 'release' | 'security' | 'deploy') => join(dir, who);

/** Each team's machine: its own SIGNET_HOME, the registry login in its docker config, and only the passphrases it holds. */
function cli(who: 'release' | 'security' | 'deploy', args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const base: Record<string, string> = { SIGNET_HOME: home(who), DOCKER_CONFIG: join(dir, 'docker'), HOME: dir, PATH: process.env['PATH'] ?? '' };
  if (who !== 'deploy' && !('SIGNET_PASSPHRASE_TIMESTAMP' in env)) base['SIGNET_PASSPHRASE'] = PASS;
  return runCli(args, { env: { ...base, ...env }, cwd: dir });
}
/** The documented cron line, run on the release pipeline's machine with exactly its variables. */
function cron(): Promise<CliResult> {
  const words = CRON_LINE.trim().split(/\s+/).slice(5);
  const env: Record<string, string> = {};
  while (words[0]!.includes('=')) {
    const [name, value] = words.shift()!.split('=') as [string, string];
    env[name] = value === '…' ? PASS : value;
  }
  expect(words.shift()).toBe('signet');
  return cli('release', words, env);
}
const ok = (what: string, r: CliResult) => expect({ what, code: r.code, stderr: r.stderr }).toEqual({ what, code: 0, stderr: expect.not.stringMatching(/error|WARNING/) });
const jq = (filter: string, json: string) => execFileSync('jq', ['-c', filter], { input: json, encoding: 'utf8' }).trim();

beforeAll(async () => {
  requireBinary('/usr/bin/jq', 'jq');
  reg = await startRegistry({ auth: { token: USER } });
  dir = await mkdtemp(join(tmpdir(), 'signet-first-month-'));
  await mkdir(join(dir, 'docker'), { recursive: true });
  await writeFile(join(dir, 'docker', 'config.json'), JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from(`${USER.username}:${USER.password}`).toString('base64') } } }));
  vi.useFakeTimers({ toFake: ['Date'] });
  start = Date.parse('2026-12-01T08:00:00Z');
  vi.setSystemTime(start);
});
afterAll(async () => {
  vi.useRealTimers();
  await reg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * Day 15: the pipeline's delegation moves to a new key made on the pipeline; the security team rotates
 * app-ci to it from the public key file alone (--keep, so nothing stops verifying), the pipeline's next
 * sign carries the new key's signature, then the old key is revoked and deleted from the pipeline.
 */
async function rotateCiKey(failures: string[]): Promise<void> {
  const fresh = await cli('release', ['key', 'generate', '--role', 'app-ci', '--public-out', join(dir, 'ci-2.pub.json'), '--json']);
  const before = (JSON.parse((await cli('security', ['delegation', 'list', '--json'])).stdout) as { delegations: Array<{ name: string; keyIds: string[] }> }).delegations.find((d) => d.name === 'app-ci')!.keyIds;
  const rotate = await cli('security', ['key', 'rotate', 'app-ci', '--key', join(dir, 'ci-2.pub.json'), '--keep']);
  if (fresh.code !== 0 || rotate.code !== 0) failures.push(`day 15: rotate: ${fresh.stderr} ${rotate.stderr}`);
  const newKey = (JSON.parse(fresh.stdout) as { keyId: string }).keyId;
  const keys = JSON.parse((await cli('security', ['key', 'list', '--json'])).stdout) as { keys: Array<{ keyId: string }> };
  if (keys.keys.some((k) => k.keyId === newKey)) failures.push('day 15: the new CI key reached the security home');
  rotatedFrom = before;
  rotatedTo = newKey;
}
let rotatedFrom: string[] = [];
let rotatedTo = '';

describe("a release team's first month on a registry with token auth", () => {
  const released: string[] = [];
  const revoked = new Set<string>();

  it('day 0: the pipeline inits the trust repository in the registry; security and deploy are set up from files', async () => {
    const init = await cli('release', ['init', `oci://${reg.host}/team/app`, '--scope', 'team/*', '--json']);
    ok('init', init);
    const rootFile = join(dir, 'team-app-root.json'); // handed to the other teams out of band
    await copyFile((JSON.parse(init.stdout) as { rootPath: string }).rootPath, rootFile);
    // The security team: the online keys (still encrypted) and the same trust entry.
    const list = (JSON.parse((await cli('release', ['key', 'list', '--json'])).stdout) as { keys: Array<{ keyId: string; role: string }> }).keys;
    for (const role of ['targets', 'snapshot', 'timestamp']) {
      const key = list.find((k) => k.role === role)!;
      ok(`export ${role}`, await cli('release', ['key', 'export', key.keyId, '--private', '--out', join(dir, `${role}.key`)]));
      ok(`import ${role}`, await cli('security', ['key', 'import', join(dir, `${role}.key`)]));
    }
    ok('security trust add', await cli('security', ['trust', 'add', '--scope', 'team/*', '--store', `oci://${reg.host}/team/app`, '--root', rootFile]));
    // Releases are signed by the delegation app-ci, whose key is generated on the pipeline and never leaves it:
    // the security team, which signs for targets, is handed only the public key file.
    ok('ci key', await cli('release', ['key', 'generate', '--role', 'app-ci', '--public-out', join(dir, 'ci-1.pub.json')]));
    ok('delegation add', await cli('security', ['delegation', 'add', 'app-ci', '--key', join(dir, 'ci-1.pub.json'), '--paths', 'team/app:*']));
    // The deploy machine: only the root file, and the template that finds trust next to each image.
    const add = await cli('deploy', ['trust', 'add', '--scope', 'team/*', '--store', 'oci://{registry}/{repository}', '--root', rootFile, '--json']);
    ok('deploy trust add', add);
    expect(JSON.parse(add.stdout)).toMatchObject({ scope: 'team/*', root: { version: 1 } });
  });

  it(`then ${DAYS} days: a release a day, the cron line every ${STEP_HOURS} h, a revocation on day 10, and the deploy checks green at every step`, async () => {
    const client = new RegistryClient({ credentials: staticCredentials(USER.username, USER.password) });
    const failures: string[] = [];
    let verifies = 0;
    try {
      for (let h = STEP_HOURS; h <= DAYS * 24 && failures.length < 3; h += STEP_HOURS) {
        vi.setSystemTime(start + h * HOUR);
        const day = Math.floor(h / 24);
        if (h % 24 === STEP_HOURS) {
          // A daily release, pushed then signed by the pipeline.
          const tag = `1.0.${day}`;
          await pushImage(client, { registry: reg.host, repository: 'team/app' }, tag, buildImage(`first-month-${day}`));
          if (day === 15) await rotateCiKey(failures);
          const sign = await cli('release', ['sign', '--role', 'app-ci', `${reg.host}/team/app:${tag}`]);
          if (sign.code !== 0) failures.push(`day ${day}: sign exited ${sign.code}: ${sign.stderr}`);
          released.push(tag);
          if (day === 15) {
            for (const oldKey of rotatedFrom) {
              const revokeKey = await cli('security', ['key', 'revoke', oldKey, '--reason', 'rotated']);
              if (revokeKey.code !== 0) failures.push(`day 15: key revoke: ${revokeKey.stderr}`);
              const removeKey = await cli('release', ['key', 'remove', oldKey, '--yes']);
              if (removeKey.code !== 0) failures.push(`day 15: key remove: ${removeKey.stderr}`);
            }
            const delegations = (JSON.parse((await cli('security', ['delegation', 'list', '--json'])).stdout) as { delegations: Array<{ name: string; keyIds: string[] }> }).delegations;
            if (JSON.stringify(delegations.find((d) => d.name === 'app-ci')?.keyIds) !== JSON.stringify([rotatedTo])) failures.push(`day 15: app-ci keys ${JSON.stringify(delegations)}`);
          }
        }
        if (day === 10 && h % 24 === 2 * STEP_HOURS) {
          const victim = released[3]!;
          // The release was signed by app-ci, whose key only the pipeline holds: the pipeline revokes it.
          const revoke = await cli('release', ['revoke', `${reg.host}/team/app:${victim}`, '--reason', 'CVE-2026-0001']);
          if (revoke.code !== 0) failures.push(`day ${day}: revoke exited ${revoke.code}: ${revoke.stderr}`);
          revoked.add(victim);
          const listed = await cli('security', ['list', 'team/app:', '--json']);
          const names = (JSON.parse(listed.stdout) as { targets: Array<{ name: string }> }).targets.map((t) => t.name);
          if (names.includes(`team/app:${victim}`) || !names.includes(`team/app:${released[4]}`)) failures.push(`day ${day}: list after revoke: ${names.join(' ')}`);
        }
        const job = await cron();
        if (job.code !== 0) failures.push(`hour ${h}: cron exited ${job.code}: ${job.stderr}`);

        const status = await cli('deploy', ['status', '--check', '--image', `${reg.host}/team/app`]);
        if (status.code !== 0) failures.push(`hour ${h}: status --check exited ${status.code}: ${status.stderr}`);
        // The batch a deploy gate checks: the first release, any revoked one, and the two newest.
        const batch = [...new Set([released[0]!, ...revoked, ...released.slice(-2)])];
        const verify = await cli('deploy', ['verify', '--json', ...batch.map((tag) => `${reg.host}/team/app:${tag}`)]);
        verifies++;
        const expected = batch.map((tag) => ({ reference: `${reg.host}/team/app:${tag}`, ok: !revoked.has(tag) }));
        const viaJq = JSON.parse(jq('[.results[] | {reference, ok}]', verify.stdout)) as unknown;
        const viaParse = (JSON.parse(verify.stdout) as { results: Array<{ reference: string; ok: boolean }> }).results.map((r) => ({ reference: r.reference, ok: r.ok }));
        if (JSON.stringify(viaJq) !== JSON.stringify(expected) || JSON.stringify(viaParse) !== JSON.stringify(expected)) {
          failures.push(`hour ${h}: verify --json gave ${JSON.stringify(viaJq)}; stderr ${verify.stderr}`);
        }
        if (verify.code !== (revoked.size > 0 ? 1 : 0)) failures.push(`hour ${h}: verify exited ${verify.code}`);
      }
    } finally {
      await client.close();
    }
    expect(failures).toEqual([]);
    expect(released).toHaveLength(DAYS);
    expect(verifies).toBe((DAYS * 24) / STEP_HOURS);
    const list = await cli('deploy', ['list', '--image', `${reg.host}/team/app`, '--json']);
    ok('deploy list', list);
    expect(jq('[.targets[] | select(.name | test("^team/app:")) | .name] | length', list.stdout)).toBe(String(DAYS - revoked.size));
  }, 1_800_000);
});
