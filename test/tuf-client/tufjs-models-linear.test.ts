// The @tufjs/models patch (scripts/patch-tufjs-models.mjs): the installed copy
// and the bundle parse maps in one pass instead of copying the map per entry,
// the patch refuses files it does not know, and the models behave as before.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Snapshot, Targets } from '@tufjs/models';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { PATCHES, PINNED_VERSION, modelsDir, patchTufjsModels } from '../../scripts/patch-tufjs-models.mjs';

interface Patch {
  file: string;
  original: string;
  patched: string;
  edits: [string, string][];
}
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const patches = PATCHES as Patch[];
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A project root holding @tufjs/models files as published (the patch undone). */
function publishedCopy(): string {
  const root = mkdtempSync(join(tmpdir(), 'signet-tufjs-patch-'));
  temps.push(root);
  const dir = join(root, 'node_modules', '@tufjs', 'models');
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(root, 'package.json'), '{"name":"fixture","private":true}');
  cpSync(join(modelsDir(ROOT), 'package.json'), join(dir, 'package.json'));
  for (const patch of patches) {
    let text = readFileSync(join(modelsDir(ROOT), patch.file), 'utf8');
    for (const [from, to] of patch.edits) text = text.replace(to, () => from);
    writeFileSync(join(dir, patch.file), text);
  }
  return root;
}

describe('the installed @tufjs/models', () => {
  it('is the patched, linear one (npm ci runs the patch through prepare → scripts/build.mjs)', () => {
    const report = patchTufjsModels({ root: ROOT, check: true }) as { file: string; status: string }[];
    expect(report.map((r) => r.status)).toEqual(patches.map(() => 'patched'));
    for (const patch of patches) {
      const text = readFileSync(join(modelsDir(ROOT), patch.file), 'utf8');
      // The quadratic form: a reduce that spreads the accumulator per entry.
      expect(text).not.toMatch(/\.\.\.acc,/);
    }
  });

  it('is what the bundle in dist/ carries (scripts/build.mjs patches before bundling)', () => {
    const files = readdirSync(join(ROOT, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.mjs'));
    const bundle = files.map((f) => readFileSync(join(ROOT, 'dist', f), 'utf8')).join('\n');
    expect(bundle).toContain('TargetFile.fromJSON(path, target)]');
    expect(bundle).not.toMatch(/\.\.\.acc,\s*\[path\]/);
  });
});

describe('the patch script', () => {
  it('turns the published files into the patched ones, then leaves them alone', () => {
    const root = publishedCopy();
    expect(patchTufjsModels({ root, check: true }).map((r: { status: string }) => r.status)).toEqual(patches.map(() => 'unpatched'));
    expect(patchTufjsModels({ root }).map((r: { status: string }) => r.status)).toEqual(patches.map(() => 'applied'));
    expect(patchTufjsModels({ root }).map((r: { status: string }) => r.status)).toEqual(patches.map(() => 'patched'));
  });

  it('refuses a file it does not know and writes nothing', () => {
    const root = publishedCopy();
    const targets = join(root, 'node_modules', '@tufjs', 'models', 'dist', 'targets.js');
    writeFileSync(targets, `${readFileSync(targets, 'utf8')}\n// changed\n`);
    const snapshot = join(root, 'node_modules', '@tufjs', 'models', 'dist', 'snapshot.js');
    const before = readFileSync(snapshot, 'utf8');
    expect(() => patchTufjsModels({ root })).toThrow(/unexpected content/);
    expect(readFileSync(snapshot, 'utf8')).toBe(before);
  });

  it('refuses another @tufjs/models version (re-check upstream, then update or drop the patch)', () => {
    const root = publishedCopy();
    const pkg = join(root, 'node_modules', '@tufjs', 'models', 'package.json');
    writeFileSync(pkg, JSON.stringify({ ...JSON.parse(readFileSync(pkg, 'utf8')), version: '99.0.0' }));
    expect(() => patchTufjsModels({ root })).toThrow(new RegExp(`patch is for ${PINNED_VERSION.replaceAll('.', '\\.')}`));
  });
});

describe('the patched models behave as published', () => {
  const target = (n: number) => ({ length: n + 1, hashes: { sha256: n.toString(16).padStart(64, '0') } });
  const common = { _type: 'targets', spec_version: '1.0.31', version: 3, expires: '2030-01-01T00:00:00Z' };

  it('round-trips targets in order, keeping names like __proto__ and constructor as own entries', () => {
    const names = ['b', '__proto__', 'constructor', '10', 'a/x:1', '2'];
    const json = { ...common, targets: Object.fromEntries(names.map((name, i) => [name, target(i)])), extra: 'kept' };
    const parsed = Targets.fromJSON(json);
    expect(Object.getPrototypeOf(parsed.targets)).toBe(Object.prototype);
    expect(Object.hasOwn(parsed.targets, '__proto__')).toBe(true);
    expect(Object.keys(parsed.targets)).toEqual(Object.keys(json.targets));
    expect(parsed.toJSON()).toEqual(json);
  });

  it('round-trips snapshot meta', () => {
    const json = { ...common, _type: 'snapshot', meta: { 'targets.json': { version: 3 }, '__proto__.json': { version: 1, length: 9, hashes: { sha256: 'ab' } } } };
    expect(Snapshot.fromJSON(json).toJSON()).toEqual(json);
  });

  it('still refuses two delegated roles with one name, and keeps a role named __proto__ an own entry', () => {
    const role = (name: string) => ({ name, keyids: ['k'], threshold: 1, terminating: true, paths: ['x'] });
    const key = { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: 'ab' } };
    const withRoles = (roles: ReturnType<typeof role>[]) => ({ ...common, targets: {}, delegations: { keys: { k: key }, roles } });
    expect(() => Targets.fromJSON(withRoles([role('a'), role('a')]))).toThrow(/duplicate delegated role: a/);
    const parsed = Targets.fromJSON(withRoles([role('__proto__'), role('b')]));
    const roles = parsed.delegations?.roles ?? {};
    expect(Object.hasOwn(roles, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(roles)).toBe(Object.prototype);
    expect(parsed.toJSON()).toEqual(withRoles([role('__proto__'), role('b')]));
  });
});
