// `signet repair`: re-publish snapshot and timestamp from the newest state
// that still verifies, for a store whose current files a writer with push
// rights broke (SECURITY.md "Compromise playbooks"). Under the store's lock.

import { Keystore } from '../keys/keystore.js';
import { loadSalvaging } from '../trust/salvage.js';
import { resolveRepository, type RepositoryOptions } from './resolve-repository.js';
import { publishMemoryFor, type SignetContext } from './context.js';

export interface RepairReport {
  trustRepository: string;
  /** Files that did not load and were replaced (`timestamp`, `snapshot`); empty when only re-signed. */
  replaced: string[];
  /** Why each was replaced. */
  reasons: string[];
  /** Versions now published. */
  snapshot: number;
  timestamp: number;
}

export async function repairWorkflow(options: RepositoryOptions, ctx: SignetContext): Promise<RepairReport> {
  const trust = await resolveRepository(options, ctx);
  const signers = new Keystore(ctx.home).signerProvider(ctx.passphrases);
  return trust.store.withLock(async (lock) => {
    const memory = publishMemoryFor(ctx, trust.store);
    const { repo, replaced, reasons } = await loadSalvaging(trust.store, trust.pinnedRoot, ctx.now, (await memory.seen())?.timestamp);
    for (const reason of reasons) ctx.log(`replacing ${reason}`);
    repo.markDirty('snapshot');
    await repo.publish({ signers, now: ctx.now, log: ctx.log, beforeCommit: async () => lock?.confirm() });
    await memory.record(repo);
    return { trustRepository: trust.store.location, replaced, reasons, snapshot: repo.snapshot.signed.version, timestamp: repo.timestamp.signed.version };
  });
}
