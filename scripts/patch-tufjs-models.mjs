#!/usr/bin/env node
// Makes @tufjs/models 5.0.2 parse and serialise targets, snapshot and
// delegations in linear time. Upstream builds these maps with
// `reduce((acc, x) => ({ ...acc, [k]: v }), {})`, which copies the whole map
// for every entry: quadratic, so a flat targets file of 10,000 entries costs
// seconds to minutes per verify (and 16,384 bins the same in delegations).
//
// Runs from scripts/build.mjs, which `prepare` (npm ci / npm install in this
// checkout), `pretest` and `build:sea` run, so node_modules, dist/ and the
// single executable never carry the slow code. Not a `postinstall`: the
// published package holds dist/ only (the patched code bundled), no scripts/. It rewrites
// only the exact known lines of the pinned version, checks the file hashes
// before and after, and refuses anything else: a new @tufjs/models version
// must be re-checked by hand. Semantics are kept: entries are created with
// Object.fromEntries / Object.defineProperty (own data properties, as the
// spread did; a key named `__proto__` stays an own key, never the prototype).
//
// DROP THIS PATCH when upstream @tufjs/models builds these maps in a loop
// (theupdateframework/tuf-js packages/models/src/{targets,snapshot,delegations}.ts).
//
// Usage: node scripts/patch-tufjs-models.mjs [--check]   (--check: report, change nothing; exit 1 if unpatched)
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PINNED_VERSION = '5.0.2';

/** One file: its hash before and after, and the exact text replaced (each must occur once). */
export const PATCHES = [
  {
    file: 'dist/targets.js',
    original: '9074b26cc3ce07a9b947730642d9cd3d6f80053984e226a7ff6157b61075fc06',
    patched: '6d237787b8173507578d4dc162ab80e388787c2607a8bfea734dbd1ef6faf0c5',
    edits: [
      [
        `    return Object.entries(targets).reduce((acc, [path, target]) => ({
        ...acc,
        [path]: target.toJSON(),
    }), {});`,
        `    // signet: linear (scripts/patch-tufjs-models.mjs)
    return Object.fromEntries(Object.entries(targets).map(([path, target]) => [path, target.toJSON()]));`,
      ],
      [
        `            targets = Object.entries(data).reduce((acc, [path, target]) => ({
                ...acc,
                [path]: file_1.TargetFile.fromJSON(path, target),
            }), {});`,
        `            // signet: linear (scripts/patch-tufjs-models.mjs)
            targets = Object.fromEntries(Object.entries(data).map(([path, target]) => [path, file_1.TargetFile.fromJSON(path, target)]));`,
      ],
    ],
  },
  {
    file: 'dist/snapshot.js',
    original: 'a44d27247ba0f29a16dcf4b4377b4cbf9b83ef2880499e2071aa464b429c4332',
    patched: '86feaeb27c3474bb8c6d806d6af2380487e97e3f3c8bb19e0a4deba38af6d657',
    edits: [
      [
        `    return Object.entries(meta).reduce((acc, [path, metadata]) => ({
        ...acc,
        [path]: metadata.toJSON(),
    }), {});`,
        `    // signet: linear (scripts/patch-tufjs-models.mjs)
    return Object.fromEntries(Object.entries(meta).map(([path, metadata]) => [path, metadata.toJSON()]));`,
      ],
      [
        `            meta = Object.entries(data).reduce((acc, [path, metadata]) => ({
                ...acc,
                [path]: file_1.MetaFile.fromJSON(metadata),
            }), {});`,
        `            // signet: linear (scripts/patch-tufjs-models.mjs)
            meta = Object.fromEntries(Object.entries(data).map(([path, metadata]) => [path, file_1.MetaFile.fromJSON(metadata)]));`,
      ],
    ],
  },
  {
    file: 'dist/delegations.js',
    original: 'ab7fe34f28b12859a3fc61716a1cf06e8b4b79c2a77e52a4149c7f3866539496',
    patched: '080a49d216046913fd13a6637cee848c89a6aaa4d99d7fdee8e405cc07c32db6',
    edits: [
      [
        `    return Object.entries(keys).reduce((acc, [keyId, key]) => ({
        ...acc,
        [keyId]: key.toJSON(),
    }), {});`,
        `    // signet: linear (scripts/patch-tufjs-models.mjs)
    return Object.fromEntries(Object.entries(keys).map(([keyId, key]) => [keyId, key.toJSON()]));`,
      ],
      [
        `    return Object.entries(data).reduce((acc, [keyID, keyData]) => ({
        ...acc,
        [keyID]: key_1.Key.fromJSON(keyID, keyData),
    }), {});`,
        `    // signet: linear (scripts/patch-tufjs-models.mjs)
    return Object.fromEntries(Object.entries(data).map(([keyID, keyData]) => [keyID, key_1.Key.fromJSON(keyID, keyData)]));`,
      ],
      [
        `        roleMap = data.reduce((acc, role) => {
            const delegatedRole = role_1.DelegatedRole.fromJSON(role);
            if (Object.hasOwn(acc, delegatedRole.name)) {
                throw new error_1.ValueError(\`duplicate delegated role: \${delegatedRole.name}\`);
            }
            return {
                ...acc,
                [delegatedRole.name]: delegatedRole,
            };
        }, {});`,
        `        // signet: linear (scripts/patch-tufjs-models.mjs); defineProperty keeps a role named __proto__ an own key
        roleMap = {};
        for (const role of data) {
            const delegatedRole = role_1.DelegatedRole.fromJSON(role);
            if (Object.hasOwn(roleMap, delegatedRole.name)) {
                throw new error_1.ValueError(\`duplicate delegated role: \${delegatedRole.name}\`);
            }
            Object.defineProperty(roleMap, delegatedRole.name, { value: delegatedRole, writable: true, enumerable: true, configurable: true });
        }`,
      ],
    ],
  },
];

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/** Apply the edits to one file's text; throws unless each edit's text occurs exactly once. */
export function applyEdits(text, patch) {
  let out = text;
  for (const [from, to] of patch.edits) {
    const at = out.indexOf(from);
    if (at < 0 || out.indexOf(from, at + 1) >= 0) throw new Error(`${patch.file}: the text to replace does not occur exactly once`);
    out = out.slice(0, at) + to + out.slice(at + from.length);
  }
  return out;
}

/** Where @tufjs/models is installed, resolved the way node resolves it from the project root. */
export function modelsDir(root) {
  const require = createRequire(resolve(root, 'package.json'));
  return dirname(require.resolve('@tufjs/models/package.json'));
}

/**
 * Patch (or with `check`, only inspect) the installed @tufjs/models.
 * Returns one status per file: 'patched' (already), 'applied', or 'unpatched' (check mode).
 * Throws on an unknown version or file content: nothing is written then.
 */
export function patchTufjsModels({ root, check = false }) {
  const dir = modelsDir(root);
  const version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
  if (version !== PINNED_VERSION) {
    throw new Error(`@tufjs/models is ${version}, the patch is for ${PINNED_VERSION}: re-check whether upstream still builds maps with reduce+spread, then update or drop scripts/patch-tufjs-models.mjs`);
  }
  const plans = PATCHES.map((patch) => {
    const path = join(dir, patch.file);
    const text = readFileSync(path, 'utf8');
    const hash = sha256(text);
    if (hash === patch.patched) return { patch, path, status: 'patched' };
    if (hash !== patch.original) throw new Error(`${path}: unexpected content (sha256 ${hash}); neither the published ${PINNED_VERSION} file nor its patched form`);
    const out = applyEdits(text, patch);
    if (sha256(out) !== patch.patched) throw new Error(`${path}: the patched text has sha256 ${sha256(out)}, expected ${patch.patched}`);
    return { patch, path, out, status: check ? 'unpatched' : 'applied' };
  });
  if (!check) {
    for (const plan of plans) {
      if (plan.out === undefined) continue;
      const temp = `${plan.path}.signet-patch.tmp`;
      writeFileSync(temp, plan.out);
      renameSync(temp, plan.path);
    }
  }
  return plans.map(({ patch, status }) => ({ file: patch.file, status }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  try {
    const report = patchTufjsModels({ root, check });
    const changed = report.filter((r) => r.status !== 'patched');
    if (check && changed.length > 0) {
      console.error(`@tufjs/models is not patched: ${changed.map((r) => r.file).join(', ')} (run node scripts/patch-tufjs-models.mjs)`);
      process.exit(1);
    }
    if (!check && changed.length > 0) console.error(`patched @tufjs/models ${PINNED_VERSION} (linear targets/snapshot/delegations): ${changed.map((r) => r.file).join(', ')}`);
  } catch (error) {
    console.error(`patch-tufjs-models: ${error.message}`);
    process.exit(1);
  }
}
