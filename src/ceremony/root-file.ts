// Root files passed between ceremony participants: read bounded with symlinks
// refused, written atomically and pretty-printed so people can read and diff
// them (signatures cover the canonical form of `signed`, not the layout).

import { resolve } from 'node:path';
import type { Envelope, RootJSON } from '../metadata/types.js';
import { parseRoot } from '../trust/root-chain.js';
import { readFileBounded, writeFileAtomic } from '../store/atomic-file.js';
import { UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';

export async function readRootFile(path: string): Promise<Envelope<RootJSON>> {
  const bytes = await readFileBounded(path, LIMITS.rootBytes, { refuseSymlink: true });
  if (bytes === undefined) throw new UsageError('no-such-file', `root file ${path} does not exist`);
  return parseRoot(bytes, path);
}

/** Write `root` to `path` atomically (temp file + rename), never through a symlink. */
export async function writeRootFile(path: string, root: Envelope<RootJSON>): Promise<string> {
  const target = resolve(path);
  await writeFileAtomic(target, JSON.stringify(root, null, 2) + '\n', { mode: 0o644 });
  return target;
}
