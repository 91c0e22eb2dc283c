// The library as a TypeScript user gets it: `npm pack` of package.json + dist
// (with the declarations tsconfig.types.json emits), unpacked into a consumer
// project's node_modules, compiled by tsc under strict NodeNext, and imported
// by node. No registry access: the consumer's other modules are symlinks to
// this checkout's node_modules.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cp, mkdir, mkdtemp, readdir, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');
const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
let dir: string;
let consumer: string;

async function tscIn(cwd: string, file: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(process.execPath, [tsc, '-p', join(cwd, file)], { cwd });
    return { code: 0, output: stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

beforeAll(async () => {
  await stat(join(repo, 'dist', 'index.mjs')).catch(() => {
    throw new Error('dist/index.mjs is missing: run `node scripts/build.mjs` first');
  });
  dir = await mkdtemp(join(tmpdir(), 'signet-pack-'));
  // Stage what `npm pack` packs: package.json, docs, dist/ and the declarations (emitted here, not into
  // the shared dist/, which other tests run from).
  const staging = join(dir, 'staging');
  await mkdir(staging);
  for (const file of ['package.json', 'README.md', 'SECURITY.md']) await cp(join(repo, file), join(staging, file));
  await cp(join(repo, 'dist'), join(staging, 'dist'), { recursive: true, filter: (src) => !src.includes(`${join('dist', 'types')}`) });
  await run(process.execPath, [tsc, '-p', join(repo, 'tsconfig.types.json'), '--outDir', join(staging, 'dist', 'types')], { cwd: repo });
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: staging });
  const tarball = join(dir, (JSON.parse(stdout) as Array<{ filename: string }>)[0]!.filename);

  consumer = join(dir, 'consumer');
  const modules = join(consumer, 'node_modules');
  await mkdir(modules, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', modules]);
  await rename(join(modules, 'package'), join(modules, 'signet'));
  for (const name of await readdir(join(repo, 'node_modules'))) {
    if (name === '.bin' || name === 'signet' || name.startsWith('.')) continue;
    await symlink(join(repo, 'node_modules', name), join(modules, name));
  }
  // skipLibCheck as `tsc --init` sets it: tuf-js's own declarations import `retry` types it does not depend on.
  const tsconfig = (files: string[]) =>
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'], skipLibCheck: true }, files });
  await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await writeFile(join(consumer, 'tsconfig.json'), tsconfig(['gate.ts']));
  await writeFile(join(consumer, 'tsconfig.bad.json'), tsconfig(['bad.ts']));
  await writeFile(
    join(consumer, 'gate.ts'),
    `import { verifyImages, verifyReport, parseImageReference, VERIFY_SCHEMA_VERSION, SignetError, type SignetContext, type VerifyReport } from 'signet';

export async function gate(refs: string[], ctx: SignetContext): Promise<VerifyReport> {
  const { outcomes, bytesDownloaded } = await verifyImages(refs, { concurrency: 4 }, ctx);
  return verifyReport(outcomes, { bytesDownloaded });
}
const version: 1 = VERIFY_SCHEMA_VERSION;
const kind: 'oci-layout' | 'registry' = parseImageReference('oci-layout:/images/app:1.0').kind;
const error = new SignetError('invalid', 'not-signed', 'app:1.0 is not signed');
export const checks = [version, kind, error.code];
`,
  );
  await writeFile(join(consumer, 'bad.ts'), `import { parseImageReference } from 'signet';\nexport const n: number = parseImageReference('oci-layout:/images/app:1.0').kind;\n`);
}, 600_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the packed library', () => {
  it('ships declarations: a strict TypeScript consumer compiles against the tarball', async () => {
    const result = await tscIn(consumer, 'tsconfig.json');
    expect(result.output).not.toContain('TS7016');
    expect(result.code, result.output).toBe(0);
  }, 600_000);

  it('types are real, not any: a wrong use fails to compile', async () => {
    const result = await tscIn(consumer, 'tsconfig.bad.json');
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('TS2322');
  }, 600_000);

  it('carries the CLI but not its V8 code cache (an opaque blob that would run in place of the reviewed JS), and the CLI runs without it', async () => {
    const dist = join(consumer, 'node_modules', 'signet', 'dist');
    const names = await readdir(dist);
    expect(names).toContain('signet-cli.cjs');
    expect(names.filter((n) => n.endsWith('.cache'))).toEqual([]);
    const { stdout } = await run(process.execPath, [join(dist, 'signet.mjs'), 'verify', '--help'], { cwd: consumer });
    expect(stdout).toContain('Usage: signet verify');
  }, 600_000);

  it('imports at run time from the unpacked tarball', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', "const m = await import('signet'); console.log(typeof m.verifyImages, m.VERIFY_SCHEMA_VERSION)"], { cwd: consumer });
    expect(stdout.trim()).toBe('function 1');
  }, 600_000);
});
