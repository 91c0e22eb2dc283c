// Makes dist/signet-cli.cjs.cache, the V8 code cache that dist/signet.mjs
// loads the CLI bundle with (src/cli/code-cache.ts). A clean child `node`
// (no execArgv, so the cache matches a normal run's V8 flags) loads the
// bundle, runs `signet demo` in-process in a temporary directory (init, sign,
// verify, revoke: the functions real runs compile) and a verify of one of its
// images from 127.0.0.1 (the registry client and undici), then writes the cache
// atomically. Failing to make it is not an error: the CLI compiles as usual.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const CHILD = `
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
const [bundle, loader] = process.argv.slice(1);
const { codeCacheFile, loadBundle } = await import(pathToFileURL(loader).href);
const { exports, script } = loadBundle(bundle, bundle + '.cache.none');
const dir = mkdtempSync(join(tmpdir(), 'signet-code-cache-'));
try {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SIGNET_')));
  const options = { env: { ...env, SIGNET_HOME: join(dir, 'home') }, cwd: dir };
  const result = await exports.runCli(['demo', '--dir', join(dir, 'demo')], options);
  if (result.code !== 0) throw new Error('the demo exited ' + result.code + ': ' + result.stderr);
  // The registry path too: the demo's app:3.0 served from 127.0.0.1 by a
  // read-only stand-in for a registry (the layout's manifests, by tag).
  const layout = join(dir, 'demo', 'images', 'app');
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
  const server = createServer((req, res) => {
    const tag = new RegExp('^/v2/app/manifests/([^/]+)$').exec(req.url ?? '')?.[1];
    const found = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
    if (req.url === '/v2/') return res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    if (!found) return res.writeHead(404).end();
    const body = readFileSync(join(layout, 'blobs', ...found.digest.split(':')));
    res.writeHead(200, { 'content-type': found.mediaType, 'docker-content-digest': found.digest, 'content-length': body.length }).end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    const demoHome = { ...options, env: { ...options.env, SIGNET_HOME: join(dir, 'demo', 'signet-home') } };
    const verified = await exports.runCli(['verify', '127.0.0.1:' + server.address().port + '/app:3.0'], demoHome);
    if (verified.code !== 0) throw new Error('the registry verify exited ' + verified.code + ': ' + verified.stderr);
  } finally {
    server.close();
  }
  const tmp = bundle + '.cache.' + process.pid;
  writeFileSync(tmp, codeCacheFile(readFileSync(bundle), script.createCachedData()));
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
