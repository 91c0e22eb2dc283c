// `signet bins migrate`: move a flat trust repository to succinct hashed bins
// in one publish, and `signet bins status`: how a repository is laid out.
// The pinned root is the one `signet init` wrote, unless given.

import { resolve } from 'node:path';
import { openStore } from '../store/open-store.js';
import { readFileBounded } from '../store/atomic-file.js';
import { parseRoot } from '../trust/root-chain.js';
import { TrustRepository } from '../trust/trust-repository.js';
import { migrateToBins, type BinsMigration, type BinsOptions } from '../trust/bins-layout.js';
import { UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { pinnedRootPathFor } from './init.js';
import { publishMemoryFor, type SignetContext } from './context.js';

export interface BinsTarget {
  /** Pinned root file; default: the one `signet init` wrote for this location. */
  root?: string;
}

export interface BinsStatus {
  location: string;
  /** 0 for a flat repository. */
  bins: number;
  bitLength?: number;
  targetsInTopLevel: number;
  snapshotVersion: number;
  snapshotEntries: number;
}

export async function migrateTrustRepository(location: string, options: BinsTarget & BinsOptions, ctx: SignetContext): Promise<BinsMigration & { location: string }> {
  const { store, pinned } = await open(location, options, ctx);
  const signers = ctx.keys.signers;
  const result = await migrateToBins(store, pinned, { signers, now: ctx.now, memory: publishMemoryFor(ctx, store) }, options);
  ctx.log(`moved ${result.moved} target(s) into ${result.bins} bins`);
  return { location: store.location, ...result };
}

export async function binsStatus(location: string, options: BinsTarget, ctx: SignetContext): Promise<BinsStatus> {
  const { store, pinned } = await open(location, options, ctx);
  const repo = await TrustRepository.load(store, pinned);
  const succinct = repo.targets.signed.delegations?.succinct_roles;
  const status: BinsStatus = {
    location: store.location,
    bins: succinct ? 2 ** succinct.bit_length : 0,
    targetsInTopLevel: Object.keys(repo.targets.signed.targets).length,
    snapshotVersion: repo.snapshot.signed.version,
    snapshotEntries: Object.keys(repo.snapshot.signed.meta).length,
  };
  if (succinct) status.bitLength = succinct.bit_length;
  return status;
}

async function open(location: string, options: BinsTarget, ctx: SignetContext) {
  const store = await openStore(location, ctx.cwd, ctx.registry ?? {});
  const rootPath = options.root ? resolve(ctx.cwd, options.root) : pinnedRootPathFor(store.location, ctx);
  const bytes = await readFileBounded(rootPath, LIMITS.rootBytes, { refuseSymlink: true });
  if (bytes === undefined) {
    throw new UsageError('no-pinned-root', `no pinned root for ${store.location} at ${rootPath}: pass --root ROOT.json`);
  }
  return { store, pinned: parseRoot(bytes, rootPath) };
}
