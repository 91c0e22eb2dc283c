// Root files passed between ceremony participants: read bounded with symlinks
// refused, written atomically and pretty-printed so people can read and diff
// them (signatures cover the canonical form of `signed`, not the layout).

import { resolve } from 'node:path';
import type { Envelope, RootJSON } from '../metadata/types.js';
import { parseRoot } from '../trust/root-chain.js';
import { readFileBounded, writeFileAtomic } from '../store/atomic-file.js';
import { isRecord } from '../metadata/types.js';
import { UsageError, VerificationError } from '../errors.js';
import { LIMITS } from '../limits.js';

export async function readRootFile(path: string): Promise<Envelope<RootJSON>> {
  const bytes = await readFileBounded(path, LIMITS.rootBytes, { refuseSymlink: true });
  if (bytes === undefined) throw new UsageError('no-such-file', `root file ${path} does not exist`);
  const root = parseRoot(bytes, path);
  checkRootShape(root, path);
  return root;
}

/** The fields the ceremony reads, with the types it reads them as (untrusted input). */
function checkRootShape(root: Envelope<RootJSON>, path: string): void {
  const { keys, roles } = root.signed;
  const bad = (what: string) => new VerificationError('metadata-format', `${path}: ${what}`);
  if (!isRecord(keys)) throw bad('keys is not an object');
  for (const [keyId, key] of Object.entries(keys)) {
    if (!isRecord(key) || !isRecord(key['keyval']) || typeof key['keytype'] !== 'string' || typeof key['scheme'] !== 'string') throw bad(`key ${keyId} is malformed`);
  }
  for (const [role, entry] of Object.entries(roles)) {
    if (!isRecord(entry) || !Array.isArray(entry['keyids']) || !entry['keyids'].every((id) => typeof id === 'string') || !Number.isSafeInteger(entry['threshold'])) {
      throw bad(`role ${role} needs keyids (strings) and an integer threshold`);
    }
  }
  if (!root.signatures.every((sig) => isRecord(sig) && typeof sig['keyid'] === 'string' && typeof sig['sig'] === 'string')) throw bad('a signature is malformed');
}

/** Write `root` to `path` atomically (temp file + rename), never through a symlink. */
export async function writeRootFile(path: string, root: Envelope<RootJSON>): Promise<string> {
  const target = resolve(path);
  await writeFileAtomic(target, JSON.stringify(root, null, 2) + '\n', { mode: 0o644 });
  return target;
}
