// `bundle:PATH[#trust/N]` as a store location: any trust source (a policy
// entry, --trust-repo, the admission gate's) can read a trust repository from
// an air-gap bundle exactly as from any other mirror of it.

import { resolve } from 'node:path';
import type { MetadataStore } from '../store/metadata-store.js';
import { BUNDLE_PREFIX, openBundle } from './bundle-reader.js';
import { UsageError } from '../errors.js';

/** The store of `bundle:PATH` (its only repository) or `bundle:PATH#trust/N`. */
export async function openBundleStore(location: string, cwd: string): Promise<MetadataStore> {
  const rest = location.slice(BUNDLE_PREFIX.length);
  const hash = rest.lastIndexOf('#');
  const path = resolve(cwd, hash >= 0 ? rest.slice(0, hash) : rest);
  const bundle = await openBundle(path);
  const repos = bundle.manifest.repositories;
  const wanted = hash >= 0 ? rest.slice(hash + 1) : undefined;
  const repo = wanted === undefined ? (repos.length === 1 ? repos[0] : undefined) : repos.find((r) => r.dir === wanted);
  if (!repo) {
    const choices = repos.map((r) => `bundle:${path}#${r.dir} (${r.source})`).join(', ');
    throw new UsageError('which-bundle-repository', `${location}: the bundle holds ${repos.length} trust repositories; name one: ${choices}`);
  }
  return bundle.storeOf(repo);
}

/** The store location of the repository in the bundle at `path` that carries `name`. */
export async function bundleLocationFor(path: string, name: string, cwd: string): Promise<string> {
  const abs = resolve(cwd, path);
  const bundle = await openBundle(abs);
  const repo = bundle.repositoryFor(name);
  if (!repo) {
    throw new UsageError('not-in-bundle', `bundle ${abs} carries no trust metadata for ${name} (it was made for: ${bundle.manifest.repositories.flatMap((r) => r.names).join(', ')}); make a bundle that names it`);
  }
  return `${BUNDLE_PREFIX}${abs}#${repo.dir}`;
}
