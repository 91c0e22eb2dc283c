// Makes dist/signet-cli.cjs.cache, the V8 code cache that dist/signet.mjs
// loads the CLI bundle with (src/cli/code-cache.ts). A clean child `node`
// (no execArgv, so the cache matches a normal run's V8 flags) loads the
// bundle, runs `signet demo` in-process in a temporary directory (init, sign,
// verify, revoke: the functions real runs compile), then writes the cache
// atomically. Failing to make it is not an error: the CLI compiles as usual.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const CHILD = `
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
const [bundle, loader] = process.argv.slice(1);
const { loadBundle } = await import(pathToFileURL(loader).href);
const { exports, script } = loadBundle(bundle, bundle + '.cache.none');
const dir = mkdtempSync(join(tmpdir(), 'signet-code-cache-'));
try {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SIGNET_')));
  const result = await exports.runCli(['demo', '--dir', join(dir, 'demo')], { env: { ...env, SIGNET_HOME: join(dir, 'home') }, cwd: dir });
  if (result.code !== 0) throw new Error('the demo exited ' + result.code + ': ' + result.stderr);
  const tmp = bundle + '.cache.' + process.pid;
  writeFileSync(tmp, script.createCachedData());
  renameSync(tmp, bundle + '.cache');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
`;

/** Write `${bundle}.cache`; warns (does not throw) when it cannot. */
export function makeCodeCache(bundle) {
  const loader = resolve('dist/code-cache.mjs');
  const made = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, resolve(bundle), loader], { encoding: 'utf8', env: process.env });
  if (made.status !== 0) process.stderr.write(`warning: no V8 code cache for ${bundle} (the CLI still works, it starts slower): ${made.stderr.trim().split('\n').slice(-3).join(' ')}\n`);
}
