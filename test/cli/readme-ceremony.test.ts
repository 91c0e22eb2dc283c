// The README's ceremony lines, run as written (in-process): the `root sign`
// line once per holder on that holder's SIGNET_HOME, and the rotation's
// signatures (which the README leaves to SECURITY.md) added in between.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

let s: SignetEnv;
beforeEach(async () => {
  s = await makeSignetEnv();
});
afterEach(async () => {
  await s.cleanup();
});

async function ceremonyLines(): Promise<string[][]> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Keys and the offline root ceremony'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!.replace(/\\\n\s*/g, '');
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.startsWith('signet '))
    .map((line) => [...line.slice('signet '.length).matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!));
}

const holderEnv = (name: string) => ({ SIGNET_HOME: join(s.dir, `machine-${name}`), SIGNET_PASSPHRASE_ROOT: `TEST-ONLY ${name}` });

describe('README keys and root ceremony', () => {
  it('runs as written: a 2-of-3 root, a repository from it, a rotation published', async () => {
    const lines = await ceremonyLines();
    expect(lines.map((l) => `${l[0]} ${l[1]}`)).toEqual(['root create', 'root sign', 'root verify', 'init ./trust', 'root rotate', 'root publish']);
    for (const name of ['alice', 'bob', 'carol', 'dave']) {
      const r = await s.cli(['key', 'generate', '--role', 'root', '--public-out', `${name}.pub.json`], { env: holderEnv(name) });
      expect(r.code, r.stderr).toBe(0);
    }
    for (const [role, file] of [['targets', 't'], ['snapshot', 's'], ['timestamp', 'ts']]) {
      expect((await s.cli(['key', 'generate', '--role', role!, '--public-out', `${file}.pub.json`])).code).toBe(0);
    }
    const line = (verb: string) => lines.find((l) => `${l[0]} ${l[1]}`.startsWith(verb))!;
    const run = async (args: string[], env: Record<string, string> = {}) => {
      const r = await s.cli(args, { env });
      expect(r.code, `signet ${args.join(' ')}\n${r.stderr}`).toBe(0);
      return r;
    };

    await run(line('root create'));
    await run(line('root sign'), holderEnv('alice'));
    await run(line('root sign').map((a) => a.replace('alice', 'bob')), holderEnv('bob'));
    expect((await run(line('root verify'))).stdout).toContain('Result: valid');
    await run(line('init'));
    await run(['sign', s.ref('1.0'), '--name', 'acme/app']);

    await run(line('root rotate'));
    for (const name of ['alice', 'bob']) await run(['root', 'sign', 'root-v2.json', '--key', `${name}.pub.json`, '--previous', 'root.json'], holderEnv(name));
    await run(line('root publish'));
    const verify = await s.cli(['verify', s.ref('1.0'), '--name', 'acme/app', '--trust-repo', './trust', '--root', 'root.json'], { env: { SIGNET_HOME: join(s.dir, 'deploy') } });
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/^acme\/app@sha256:/);
  });
});
