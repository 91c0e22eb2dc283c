// A short exclusive lock on one trusted-state directory, shared by every
// verifier process using the same SIGNET_HOME: held only while trusted files
// are compared and written back, never during network I/O.

import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeFileExclusive } from '../store/atomic-file.js';
import { isDeadLocalHolder } from '../store/lock-holder.js';
import { InconclusiveError } from '../errors.js';

const LOCK_NAME = '.state.lock';
/** Longest wait for another verifier's write-back (they take milliseconds). */
const WAIT_MS = 60_000;
/** A lock older than this is taken over even when its owner cannot be checked. */
const STALE_MS = 2 * 60_000;

/** Run `work` while holding the lock of `dir`. Throws InconclusiveError('state-locked') after a minute of waiting. */
export async function withStateLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const path = join(dir, LOCK_NAME);
  const token = randomBytes(12).toString('hex');
  const owner = Buffer.from(JSON.stringify({ pid: process.pid, host: hostname(), token }));
  const deadline = Date.now() + WAIT_MS;
  for (let attempt = 0; !(await writeFileExclusive(path, owner, { mode: 0o600 })); attempt++) {
    if (await takeOverStale(path)) continue;
    if (Date.now() > deadline) {
      throw new InconclusiveError('state-locked', `the trusted state ${dir} stayed locked by another verifier for a minute (${path}); retry, or remove the lock if no signet process is running`);
    }
    await new Promise((r) => setTimeout(r, Math.min(5 * 2 ** Math.min(attempt, 5), 100) * (0.5 + Math.random())));
  }
  try {
    return await work();
  } finally {
    if ((await readOwner(path))?.token === token) await fs.rm(path, { force: true });
  }
}

/** Remove a lock whose owner on this host died, or that is very old; true when removed. */
async function takeOverStale(path: string): Promise<boolean> {
  try {
    const stat = await fs.stat(path);
    const owner = await readOwner(path);
    if (!isDeadLocalHolder(owner) && Date.now() - stat.mtimeMs <= STALE_MS) return false;
    // Rename aside (one winner); if what moved is not the lock judged stale, put it back.
    const aside = `${path}.${randomBytes(6).toString('hex')}.stale`;
    await fs.rename(path, aside);
    if ((await readOwner(aside))?.token !== owner?.token) await fs.link(aside, path).catch(() => undefined);
    await fs.rm(aside, { force: true });
    return true;
  } catch {
    return false;
  }
}

async function readOwner(path: string): Promise<{ pid?: unknown; host?: unknown; token?: unknown } | undefined> {
  try {
    const doc = JSON.parse(await fs.readFile(path, 'utf8')) as unknown;
    return typeof doc === 'object' && doc !== null ? (doc as { token?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}
