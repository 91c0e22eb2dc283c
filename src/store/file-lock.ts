// An exclusive lock file for short read-compare-write sections on local state
// (a verifier's remembered versions): one holder at a time on this machine,
// a dead holder's lock taken over, a stuck one refused as inconclusive.

import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { InconclusiveError } from '../errors.js';
import { isDeadLocalHolder } from './lock-holder.js';

const WAIT_MS = 15_000;
/** A lock older than this is taken over even when its owner cannot be checked. */
const STALE_MS = 120_000;

/**
 * Run `work` while holding the lock file `lockPath` (its directory must
 * exist). Concurrent callers wait their turn; throws InconclusiveError
 * (code `state-locked`) after waiting ~15 s for a live holder.
 */
export async function withFileLock<T>(lockPath: string, work: () => Promise<T>): Promise<T> {
  const token = randomBytes(12).toString('hex');
  const deadline = Date.now() + WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    const owner = JSON.stringify({ pid: process.pid, host: hostname(), token });
    // A lock file needs no fsync (a crash ends its holder anyway): O_EXCL create, one small write.
    if (await createExclusive(lockPath, owner)) break;
    if (await takeOverStale(lockPath)) continue;
    if (Date.now() > deadline) {
      throw new InconclusiveError('state-locked', `${lockPath} is held by another signet process; retry, or remove it if no signet process is running`);
    }
    await new Promise((r) => setTimeout(r, Math.min(5 * 2 ** Math.min(attempt, 5), 100) * (0.5 + Math.random())));
  }
  try {
    return await work();
  } finally {
    if ((await readOwner(lockPath))?.token === token) await fs.rm(lockPath, { force: true });
  }
}

async function createExclusive(path: string, content: string): Promise<boolean> {
  try {
    await fs.writeFile(path, content, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Remove the lock when its holder on this host is dead or it is very old; true when removed. */
async function takeOverStale(lockPath: string): Promise<boolean> {
  try {
    const stat = await fs.stat(lockPath);
    const owner = await readOwner(lockPath);
    if (!isDeadLocalHolder(owner) && Date.now() - stat.mtimeMs <= STALE_MS) return false;
    // Rename aside first: of two processes judging the same stale lock, one wins.
    const aside = `${lockPath}.${randomBytes(6).toString('hex')}.stale`;
    await fs.rename(lockPath, aside);
    const moved = await readOwner(aside);
    if (moved?.token !== owner?.token) {
      // Someone else took it over and locked in between: put theirs back.
      await fs.rename(aside, lockPath).catch(() => undefined);
      return false;
    }
    await fs.rm(aside, { force: true });
    return true;
  } catch {
    return false;
  }
}

async function readOwner(path: string): Promise<{ pid?: unknown; host?: unknown; token?: unknown } | undefined> {
  try {
    const value = JSON.parse(await fs.readFile(path, 'utf8')) as unknown;
    return typeof value === 'object' && value !== null ? (value as { token?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}
