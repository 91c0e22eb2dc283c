// A trust repository as plain files in a directory: the embedded default, and
// servable as-is by any static web server. Writes are atomic; publishers on one
// machine serialise through an exclusive lock file.

import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { hostname } from 'node:os';
import type { MetadataStore } from './metadata-store.js';
import { isSafeStoreName } from './metadata-store.js';
import { readFileBounded, writeFileAtomic } from './atomic-file.js';
import { InconclusiveError, UsageError, VerificationError } from '../errors.js';

const LOCK_NAME = '.signet.lock';
const LOCK_WAIT_MS = 30_000;
/** A lock older than this whose owner process is gone is taken over. */
const LOCK_STALE_MS = 10 * 60_000;

export class DirectoryStore implements MetadataStore {
  readonly location: string;
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
    this.location = this.dir;
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
    await writeFileAtomic(join(this.dir, name), bytes);
  }

  async list(): Promise<string[]> {
    try {
      return (await fs.readdir(this.dir)).filter((name) => isSafeStoreName(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async withLock<T>(work: () => Promise<T>): Promise<T> {
    await fs.mkdir(this.dir, { recursive: true });
    const lockPath = join(this.dir, LOCK_NAME);
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await fs.open(lockPath, 'wx', 0o644);
        await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
        await handle.close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (await this.breakStaleLock(lockPath)) continue;
        if (Date.now() > deadline) {
          throw new InconclusiveError('store-locked', `${this.location} is locked by another publisher (${lockPath}); retry, or remove the lock if no signet process is running`);
        }
        await new Promise((r) => setTimeout(r, Math.min(25 * 2 ** Math.min(attempt, 5), 500)));
      }
    }
    try {
      return await work();
    } finally {
      await fs.rm(lockPath, { force: true });
    }
  }

  /** Remove a lock whose owner on this host is dead, or that is very old. */
  private async breakStaleLock(lockPath: string): Promise<boolean> {
    try {
      const text = await fs.readFile(lockPath, 'utf8');
      const stat = await fs.stat(lockPath);
      const owner = JSON.parse(text) as { pid?: number; host?: string };
      const dead = owner.host === hostname() && typeof owner.pid === 'number' && !processAlive(owner.pid);
      if (dead || Date.now() - stat.mtimeMs > LOCK_STALE_MS) {
        await fs.rm(lockPath, { force: true });
        return true;
      }
    } catch {
      // A lock being written right now reads as empty JSON: treat as held.
    }
    return false;
  }

  private checkName(name: string): void {
    if (!isSafeStoreName(name)) throw new UsageError('bad-store-name', `refusing unsafe metadata name ${JSON.stringify(name)}`);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
