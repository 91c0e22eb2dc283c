// A trust repository as plain files in a directory: the embedded default, and
// servable as-is by any static web server. Writes are atomic; consistent-
// snapshot files are write-once; publishers serialise through a lock file
// whose dead owner's lock is taken over (docs/concurrency.md).

import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { FaultHook, MetadataStore, PublishLock } from './metadata-store.js';
import { isSafeStoreName } from './metadata-store.js';
import { readFileBounded, writeFileAtomic, writeFileExclusive } from './atomic-file.js';
import { isDeadLocalHolder } from './lock-holder.js';
import { InconclusiveError, UsageError, VerificationError } from '../errors.js';

const LOCK_NAME = '.signet.lock';
const LOCK_WAIT_MS = 120_000;
/** A lock older than this is taken over even when its owner cannot be checked (another host). */
const LOCK_STALE_MS = 10 * 60_000;

export interface DirectoryStoreOptions {
  /** Crash-test hook; see FaultHook. */
  faults?: FaultHook;
}

interface LockOwner {
  pid?: number;
  host?: string;
  token?: string;
}

export class DirectoryStore implements MetadataStore {
  readonly location: string;
  readonly dir: string;
  private readonly faults: FaultHook;

  constructor(dir: string, options: DirectoryStoreOptions = {}) {
    this.dir = resolve(dir);
    this.location = this.dir;
    this.faults = options.faults ?? (() => undefined);
  }

  async get(name: string, maxBytes: number): Promise<Uint8Array | undefined> {
    this.checkName(name);
    try {
      return await readFileBounded(join(this.dir, name), maxBytes);
    } catch (error) {
      if (error instanceof UsageError && error.code === 'too-large') {
        throw new VerificationError('too-large', `${name} in ${this.location} is larger than ${maxBytes} bytes`, { cause: error });
      }
      if (error instanceof UsageError) throw error;
      throw new InconclusiveError('store-unreadable', `could not read ${name} from ${this.location}`, { cause: error });
    }
  }

  async put(name: string, bytes: Uint8Array): Promise<void> {
    this.checkName(name);
    await fs.mkdir(this.dir, { recursive: true });
    await this.faults(`write ${name}`);
    await writeFileAtomic(join(this.dir, name), bytes, { beforeRename: () => this.faults(`rename ${name}`) });
  }

  async putNew(name: string, bytes: Uint8Array): Promise<boolean> {
    this.checkName(name);
    await fs.mkdir(this.dir, { recursive: true });
    await this.faults(`write ${name}`);
    return writeFileExclusive(join(this.dir, name), bytes, { beforeRename: () => this.faults(`link ${name}`) });
  }

  async list(): Promise<string[]> {
    try {
      // Metadata files only: the lock and temp files start with a dot and do not end in .json.
      return (await fs.readdir(this.dir)).filter((name) => isSafeStoreName(name) && name.endsWith('.json'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async withLock<T>(work: (lock: PublishLock) => Promise<T>): Promise<T> {
    await fs.mkdir(this.dir, { recursive: true });
    const lockPath = join(this.dir, LOCK_NAME);
    const token = randomBytes(12).toString('hex');
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      await this.faults('lock');
      // Written in full, then linked into place: a lock file is never seen half-written.
      const owner = JSON.stringify({ pid: process.pid, host: hostname(), token, since: new Date().toISOString() });
      if (await writeFileExclusive(lockPath, Buffer.from(owner))) break;
      if (await this.breakStaleLock(lockPath)) continue;
      if (Date.now() > deadline) {
        throw new InconclusiveError('store-locked', `${this.location} is locked by another publisher (${lockPath}); retry, or remove the lock if no signet process is running`);
      }
      await new Promise((r) => setTimeout(r, Math.min(10 * 2 ** Math.min(attempt, 5), 200) * (0.5 + Math.random())));
    }
    const lock: PublishLock = {
      confirm: async () => {
        const owner = await readOwner(lockPath);
        if (owner?.token !== token) {
          throw new InconclusiveError('lock-lost', `another publisher took over the lock of ${this.location}; the publish will be retried`);
        }
      },
    };
    try {
      return await work(lock);
    } finally {
      await this.faults('unlock');
      // Remove the lock only while it is still ours.
      if ((await readOwner(lockPath))?.token === token) await fs.rm(lockPath, { force: true });
    }
  }

  /**
   * Take over a lock whose owner on this host is dead, or that is very old.
   * The lock is renamed aside first (atomic, one winner); if what was renamed
   * is no longer the stale lock we judged, it is put back, and its owner's
   * `confirm` still guards its commit.
   */
  private async breakStaleLock(lockPath: string): Promise<boolean> {
    let judged: LockOwner | undefined;
    try {
      const stat = await fs.stat(lockPath);
      judged = await readOwner(lockPath);
      const dead = isDeadLocalHolder(judged);
      if (!dead && Date.now() - stat.mtimeMs <= LOCK_STALE_MS) return false;
    } catch {
      return false;
    }
    const aside = `${lockPath}.${randomBytes(6).toString('hex')}.stale`;
    try {
      await fs.rename(lockPath, aside);
    } catch {
      return true; // someone else moved it: try again
    }
    const moved = await readOwner(aside);
    if (moved?.token !== judged?.token) {
      await fs.link(aside, lockPath).catch(() => undefined);
    }
    await fs.rm(aside, { force: true });
    return true;
  }

  private checkName(name: string): void {
    if (!isSafeStoreName(name)) throw new UsageError('bad-store-name', `refusing unsafe metadata name ${JSON.stringify(name)}`);
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const doc = JSON.parse(await fs.readFile(path, 'utf8')) as unknown;
    return typeof doc === 'object' && doc !== null ? (doc as LockOwner) : undefined;
  } catch {
    // Missing, or being written right now.
    return undefined;
  }
}
