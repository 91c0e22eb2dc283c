// The succinct hashed bins layout (TAP 15) for large trust repositories:
// targets delegates every target path to one of 2^bit_length bins by the
// first bits of SHA-256(path), so signing or verifying one tag touches one bin.
// Creates the layout in a new repository and migrates a flat one into it.

import type { Envelope, KeyJSON, RootJSON, SuccinctRolesJSON } from '../metadata/types.js';
import { metadataFileName, type MetadataStore } from '../store/metadata-store.js';
import { snapshotEntry } from './metadata-files.js';
import { binFor, binName } from './succinct-bins.js';
import { roleKeys, type PublishOptions, type TrustRepository } from './trust-repository.js';
import { updateRepository } from './update-repository.js';
import { UsageError } from '../errors.js';

export const BIN_NAME_PREFIX = 'bins';

/**
 * 512 bins by default. Each signed tag is two targets (tag and digest, ~450
 * bytes together). A cold lookup downloads the snapshot (~30 bytes per bin)
 * and one bin; tuf-js parses both in time quadratic in their entries.
 * Measured at 100,000 tags (bench/RESULTS.md, in-process): 256 bins → 177 KiB
 * cold; 512 → 99 KiB and 40 ms warm; 1,024 → 77 KiB but 170 ms warm, nearly
 * all of it tuf-js reading the 1,024-entry snapshot. 512 is the knee.
 */
export const DEFAULT_BIN_BIT_LENGTH = 9;
/** 16,384 bins: a ~480 KB snapshot already, which tuf-js takes seconds to parse. */
export const MAX_BIN_BIT_LENGTH = 14;

/**
 * Past this many targets in a flat top-level targets role (500 signed tags,
 * each a tag and a digest target), `signet sign` moves the repository to
 * hashed bins in the same publish. A flat targets.json grows by ~220 bytes a
 * target and every cold verify downloads and checks all of it; at this size
 * it is ~220 KB against ~18 KB for one bin and the snapshot (bench/RESULTS.md).
 */
export const AUTO_BINS_TARGETS = 1000;

export interface BinsOptions {
  /** Bins are 2^bitLength; default DEFAULT_BIN_BIT_LENGTH. */
  bitLength?: number;
  /** Keys that sign the bins, with their threshold; default: the targets role's keys. */
  keys?: { keys: KeyJSON[]; keyIds: string[]; threshold: number };
}

/** The bit length for a bin count given by a user (a power of two). */
export function bitLengthForBinCount(count: number): number {
  const bits = Math.log2(count);
  if (!Number.isInteger(bits) || bits < 1 || bits > MAX_BIN_BIT_LENGTH) {
    throw new UsageError('bad-bin-count', `the number of bins must be a power of two between 2 and ${2 ** MAX_BIN_BIT_LENGTH}, not ${count}`);
  }
  return bits;
}

export function checkBitLength(bitLength: number): number {
  if (!Number.isInteger(bitLength) || bitLength < 1 || bitLength > MAX_BIN_BIT_LENGTH) {
    throw new UsageError('bad-bit-length', `bit length must be an integer from 1 to ${MAX_BIN_BIT_LENGTH}, not ${bitLength}`);
  }
  return bitLength;
}

/** Every bin name `succinct` defines, in index order. */
export function allBinNames(succinct: Pick<SuccinctRolesJSON, 'bit_length' | 'name_prefix'>): string[] {
  const names: string[] = [];
  for (let i = 0; i < 2 ** succinct.bit_length; i++) names.push(binName(succinct, i));
  return names;
}

/** The succinct_roles of `repo`'s top-level targets, if it uses bins. */
export function binsOf(repo: TrustRepository): SuccinctRolesJSON | undefined {
  return repo.targets.signed.delegations?.succinct_roles;
}

export interface BinsMigration {
  bitLength: number;
  bins: number;
  /** Targets moved out of the top-level targets role into bins. */
  moved: number;
}

/**
 * Switch `repo` to hashed bins: delegate to 2^bitLength bins, create every
 * bin (empty ones too, so a verifier can tell "not signed" from "missing
 * metadata" for any name), move the top-level targets into their bins.
 * Versions only go up, so verifiers holding the flat metadata move forward.
 * The caller publishes. Refuses a repository that already delegates.
 */
export async function enableBins(repo: TrustRepository, options: BinsOptions = {}): Promise<BinsMigration> {
  const bitLength = checkBitLength(options.bitLength ?? DEFAULT_BIN_BIT_LENGTH);
  const targets = repo.targets.signed;
  if (targets.delegations?.succinct_roles) {
    throw new UsageError('already-binned', `${repo.store.location} already uses ${2 ** targets.delegations.succinct_roles.bit_length} hashed bins`);
  }
  if ((targets.delegations?.roles ?? []).length > 0) {
    throw new UsageError('has-delegations', `${repo.store.location} has delegated roles; TUF allows either delegated roles or hashed bins in targets, not both`);
  }
  const prefixTaken = Object.keys(repo.snapshot.signed.meta).some((file) => file.startsWith(`${BIN_NAME_PREFIX}-`));
  if (prefixTaken) {
    throw new UsageError('bins-prefix-taken', `the snapshot of ${repo.store.location} already lists ${BIN_NAME_PREFIX}-* files`);
  }

  const signing = options.keys ?? defaultBinKeys(repo);
  const keys: Record<string, KeyJSON> = { ...(targets.delegations?.keys ?? {}) };
  signing.keys.forEach((key, i) => (keys[signing.keyIds[i]!] = key));
  const succinct: SuccinctRolesJSON = { keyids: [...signing.keyIds], threshold: signing.threshold, bit_length: bitLength, name_prefix: BIN_NAME_PREFIX };
  targets.delegations = { ...(targets.delegations ?? {}), keys, succinct_roles: succinct };
  delete targets.delegations.roles;
  repo.markDirty('targets');

  for (const name of allBinNames(succinct)) {
    if (snapshotEntry(repo.snapshot.signed.meta, name)) continue;
    await repo.role(name); // creates it empty and marks it for publishing
  }
  let moved = 0;
  for (const [path, file] of Object.entries(targets.targets)) {
    const bin = await repo.role(binFor(succinct, path));
    bin.signed.targets[path] = file;
    repo.markDirty(binFor(succinct, path));
    moved++;
  }
  targets.targets = {};
  return { bitLength, bins: 2 ** bitLength, moved };
}

function defaultBinKeys(repo: TrustRepository): { keys: KeyJSON[]; keyIds: string[]; threshold: number } {
  const role = roleKeys(repo.root, 'targets');
  const keyIds = role.keyids.filter((id) => Object.hasOwn(repo.root.signed.keys, id));
  return { keys: keyIds.map((id) => repo.root.signed.keys[id]!), keyIds, threshold: role.threshold };
}

/**
 * `signet bins migrate`: move a flat repository to hashed bins in one publish
 * under the store lock (new targets version, every bin, snapshot, timestamp).
 */
export async function migrateToBins(store: MetadataStore, pinned: Envelope<RootJSON>, publish: PublishOptions, options: BinsOptions = {}): Promise<BinsMigration> {
  return updateRepository(store, pinned, publish, (repo) => enableBins(repo, options));
}

/**
 * Bins signed by the targets keys (the default) follow a change of those
 * keys, so rotating or revoking a targets key also takes it away from every
 * bin. Every published bin is first read and verified under the old keys
 * (the writer never re-signs what it cannot verify), then the delegation is
 * switched and all bins are marked for re-signing. Bins with keys of their
 * own are left alone. Returns whether the bins followed.
 */
export async function binsFollowTargetsKeys(
  repo: TrustRepository,
  change: { oldKeyIds: readonly string[]; newKeyIds: readonly string[]; threshold: number; keys: Readonly<Record<string, KeyJSON>> },
): Promise<boolean> {
  const succinct = binsOf(repo);
  if (!succinct || !sameKeySet(succinct.keyids, change.oldKeyIds)) return false;
  const names = allBinNames(succinct);
  for (const name of names) await repo.role(name);
  const delegations = repo.targets.signed.delegations!;
  for (const id of succinct.keyids) delete delegations.keys[id];
  for (const id of change.newKeyIds) {
    const key = Object.hasOwn(change.keys, id) ? change.keys[id] : undefined;
    if (!key) throw new UsageError('unknown-key', `the new targets key ${id.slice(0, 12)} is not in root`);
    delegations.keys[id] = key;
  }
  succinct.keyids = [...change.newKeyIds];
  succinct.threshold = change.threshold;
  repo.markDirty('targets');
  for (const name of names) repo.markDirty(name);
  return true;
}

function sameKeySet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}
