// Where Notary trust data comes from: the capability the client needs (one
// role's bytes, current or by version or checksum) and its local form, a
// Notary / Docker trust directory (`notary -d DIR`, `~/.docker/trust`).

import { join } from 'node:path';
import { UsageError, VerificationError } from '../errors.js';
import { readFileBounded } from '../store/atomic-file.js';
import { checkNotaryRoleName } from './notary-role-names.js';

/** Which copy of a role to fetch. */
export interface NotaryFileRequest {
  /** `root`, `timestamp`, `snapshot`, `targets`, `targets/releases`, … */
  role: string;
  /** `<n>.<role>.json` (roots during rotation). */
  version?: number;
  /** `<role>.<sha256 hex>.json`: the exact bytes a parent role recorded. */
  sha256?: string;
}

export interface NotaryFetcher {
  /** For messages, without credentials. */
  readonly location: string;
  /**
   * The bytes of the requested file, or undefined when it does not exist (or
   * this source cannot serve versioned files). Refuses more than `maxBytes`.
   * Throws InconclusiveError when the source cannot be reached.
   */
  get(request: NotaryFileRequest, maxBytes: number): Promise<Uint8Array | undefined>;
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** Throws a UsageError unless `path` is a safe relative path (GUN or role name): no `..`, no empty segments. */
export function checkRelativeName(path: string, what: string): void {
  const segments = path.split('/');
  if (path.length === 0 || path.length > 512 || segments.some((s) => !SEGMENT.test(s) || s === '..' || s.includes('..'))) {
    throw new UsageError('notary-bad-name', `${what} ${JSON.stringify(path)} is not a valid name`);
  }
}

/**
 * A trust directory as the notary CLI and docker keep it:
 * `<dir>/tuf/<gun>/metadata/<role>.json`. It holds only the current copy of
 * each role; checksum requests return it (the verifier checks the hash),
 * versioned requests return undefined.
 */
export class TrustDirectoryFetcher implements NotaryFetcher {
  readonly location: string;
  private readonly metadataDir: string;

  constructor(trustDir: string, gun: string) {
    checkRelativeName(gun, 'GUN');
    this.metadataDir = join(trustDir, 'tuf', ...gun.split('/'), 'metadata');
    this.location = this.metadataDir;
  }

  async get(request: NotaryFileRequest, maxBytes: number): Promise<Uint8Array | undefined> {
    if (request.version !== undefined) return undefined;
    checkNotaryRoleName(request.role);
    const path = join(this.metadataDir, ...request.role.split('/')) + '.json';
    try {
      return await readFileBounded(path, maxBytes, { refuseSymlink: true });
    } catch (error) {
      // A file over the role's cap is endless data: refused as invalid, like a server sending it.
      if (error instanceof UsageError && error.code === 'too-large') throw new VerificationError('notary-too-large', error.message, { cause: error });
      throw error;
    }
  }
}
