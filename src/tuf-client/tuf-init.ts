// `signet tuf init`: start trusting a TUF repository from a root file, offline.
// The root must parse as TUF 1.x root metadata and meet its own root threshold
// (checked by @tufjs/models, the same code tuf-js verifies with); it becomes
// DIR/root.json, written atomically.

import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { Metadata, MetadataKind, type Root } from '@tufjs/models';
import { readFileBounded, writeFileAtomic } from '../store/atomic-file.js';
import { UsageError, VerificationError } from '../errors.js';
import { LIMITS } from '../limits.js';

export interface TufInitResult {
  metadataDir: string;
  rootPath: string;
  version: number;
  expires: string;
  consistentSnapshot: boolean;
  /** False when DIR already held exactly this root. */
  installed: boolean;
}

/** Throws UsageError (missing file, symlink, a different root already trusted) or VerificationError (not a valid self-signed root). */
export async function tufInit(rootFile: string, metadataDir: string, cwd: string): Promise<TufInitResult> {
  const source = resolve(cwd, rootFile);
  const bytes = await readFileBounded(source, LIMITS.rootBytes, { refuseSymlink: true });
  if (bytes === undefined) throw new UsageError('no-root', `trusted root ${source} does not exist`);
  const root = parseSelfSignedRoot(bytes, source);

  const dir = resolve(cwd, metadataDir);
  await fs.mkdir(dir, { recursive: true, mode: 0o755 });
  const target = join(dir, 'root.json');
  const existing = await readFileBounded(target, LIMITS.rootBytes, { refuseSymlink: true });
  const result: TufInitResult = {
    metadataDir: dir,
    rootPath: target,
    version: root.signed.version,
    expires: root.signed.expires,
    consistentSnapshot: root.signed.consistentSnapshot,
    installed: existing === undefined,
  };
  if (existing !== undefined) {
    if (Buffer.compare(Buffer.from(existing), Buffer.from(bytes)) === 0) return result;
    throw new UsageError(
      'already-initialised',
      `${dir} already trusts a different root (root.json); signet never replaces a trusted root silently. To start over, remove ${dir}`,
    );
  }
  await writeFileAtomic(target, bytes);
  return result;
}

/** TUF 5.2: the trusted root, loaded out of band, must verify by its own keys. */
export function parseSelfSignedRoot(bytes: Uint8Array, what: string): Metadata<Root> {
  let root: Metadata<Root>;
  try {
    const json = JSON.parse(Buffer.from(bytes).toString('utf8')) as Parameters<typeof Metadata.fromJSON>[1];
    root = Metadata.fromJSON(MetadataKind.Root, json);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new VerificationError('invalid-root', `${what} is not TUF root metadata: ${reason}`, { cause: error });
  }
  try {
    root.verifyDelegate(MetadataKind.Root, root);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new VerificationError('root-not-self-signed', `${what} is not signed by a threshold of its own root keys: ${reason}`, { cause: error });
  }
  return root;
}
