// Whether the recorded holder of a publish lock (directory lock file or
// registry lease) is a process on this machine that has died, so its lock can
// be taken over without waiting for it to go stale.

import { hostname } from 'node:os';

/** True when `holder` names this host and a pid that no longer runs; false when unknown. */
export function isDeadLocalHolder(holder: { host?: unknown; pid?: unknown } | undefined): boolean {
  if (!holder || holder.host !== hostname() || typeof holder.pid !== 'number') return false;
  return !processAlive(holder.pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
