// k-of-n signing of a delegated role by holders on different machines, passed
// on files like the root ceremony: one holder prepares the next version of the
// role with one signature, others add theirs, and anyone with the snapshot and
// timestamp keys publishes it once the delegation's threshold is met.

import type { Envelope, TargetsJSON } from '../metadata/types.js';
import { isRecord, parseEnvelope } from '../metadata/types.js';
import { checkThreshold, requireThreshold, signEnvelope, type ThresholdResult } from '../metadata/signing.js';
import { expiryAfter, isExpired } from '../metadata/expiry.js';
import { metadataFileName } from '../store/metadata-store.js';
import type { SignerProvider } from '../keys/signer.js';
import { shortKeyId } from '../keys/key-id.js';
import { serialize, type TrustRepository } from './trust-repository.js';
import { metaFileFor, setSnapshotEntry, snapshotEntry } from './metadata-files.js';
import { expirySecondsFor } from './root-builder.js';
import { findDelegation } from './delegations.js';
import { UsageError, VerificationError } from '../errors.js';

export const DETACHED_FIELD = 'x-signet-detached';
export const DETACHED_FORMAT = 'signet-detached-role/v1';

/** A role envelope plus, outside the signed part, which role and repository it is for. */
export type DetachedRole = Envelope<TargetsJSON> & { [DETACHED_FIELD]: { format: string; role: string; repository: string } };

export interface DetachedSummary {
  role: string;
  version: number;
  added: string[];
  removed: string[];
  signatures: ThresholdResult;
}

/**
 * The next version of delegated role `role` as edited in `repo` (not
 * published), signed by the role keys `signers` holds (at least one).
 */
export async function prepareDetached(repo: TrustRepository, role: string, options: { now: Date; signers: SignerProvider }): Promise<DetachedRole> {
  const found = await requireDelegation(repo, role);
  const doc = structuredClone(await repo.role(role));
  doc.signed.version += 1;
  doc.signed.expires = expiryAfter(options.now, expirySecondsFor(repo.root.signed, role));
  const signers = (await options.signers(role, found.entry.keyids)).filter((s) => found.entry.keyids.includes(s.keyId));
  if (signers.length === 0) {
    throw new UsageError('missing-signing-key', `none of ${role}'s keys (${found.entry.keyids.map(shortKeyId).join(', ')}) is in this keystore`);
  }
  await signEnvelope(doc, signers);
  return { ...doc, [DETACHED_FIELD]: { format: DETACHED_FORMAT, role, repository: repo.store.location } };
}

/** Add this machine's signatures to a detached role file, keeping the others. Checks the file first. */
export async function signDetached(repo: TrustRepository, file: DetachedRole, signers: SignerProvider): Promise<DetachedSummary> {
  const role = file[DETACHED_FIELD].role;
  const found = await requireDelegation(repo, role);
  const before = checkThreshold(role, file, found.doc.signed.delegations!.keys, found.entry);
  const foreign = file.signatures.filter((s) => !before.valid.includes(s.keyid));
  if (foreign.length > 0) {
    throw new VerificationError('bad-signature', `${role} file carries ${foreign.length} signature(s) that do not verify with ${role}'s keys; it was modified, do not sign it`);
  }
  const mine = (await signers(role, found.entry.keyids)).filter((s) => found.entry.keyids.includes(s.keyId));
  if (mine.length === 0) throw new UsageError('missing-signing-key', `none of ${role}'s keys is in this keystore`);
  await signEnvelope(file, mine, true);
  return summarize(repo, file);
}

/** What the file changes relative to the published role, and who signed it. */
export async function summarize(repo: TrustRepository, file: DetachedRole): Promise<DetachedSummary> {
  const role = file[DETACHED_FIELD].role;
  const found = await requireDelegation(repo, role);
  const listed = snapshotEntry(repo.snapshot.signed.meta, role) !== undefined;
  // A published copy that no longer meets the role's keys (rotated elsewhere) counts as empty: the file restarts it.
  const published = (listed ? await repo.roleIfVerifiable(role) : undefined) ?? { signed: { targets: {} as TargetsJSON['targets'] } };
  const now = new Set(Object.keys(file.signed.targets));
  const then = new Set(Object.keys(published.signed.targets));
  return {
    role,
    version: file.signed.version,
    added: [...now].filter((n) => !then.has(n) || JSON.stringify(file.signed.targets[n]) !== JSON.stringify(published.signed.targets[n])).sort(),
    removed: [...then].filter((n) => !now.has(n)).sort(),
    signatures: checkThreshold(role, file, found.doc.signed.delegations!.keys, found.entry),
  };
}

/**
 * Publish a detached role file into `repo` (then publish `repo`). Refuses a
 * file below the delegation's threshold, for another version than the next
 * one (someone published meanwhile: prepare again), or already expired.
 */
export async function publishDetached(repo: TrustRepository, file: DetachedRole, now: Date): Promise<DetachedSummary> {
  const role = file[DETACHED_FIELD].role;
  const found = await requireDelegation(repo, role);
  requireThreshold(checkThreshold(role, file, found.doc.signed.delegations!.keys, found.entry));
  const current = snapshotEntry(repo.snapshot.signed.meta, role)?.version ?? 0;
  if (file.signed.version !== current + 1) {
    throw new UsageError('stale-detached', `${role} is at version ${current} but this file is version ${file.signed.version}; it was prepared from an older state, prepare it again`);
  }
  if (isExpired(file.signed.expires, now)) throw new UsageError('expired-detached', `this ${role} file expired ${file.signed.expires}; prepare it again`);
  const summary = await summarize(repo, file);
  const { [DETACHED_FIELD]: _meta, ...envelope } = file;
  const bytes = serialize(envelope);
  await repo.store.put(metadataFileName(role, file.signed.version), bytes);
  setSnapshotEntry(repo.snapshot.signed.meta, role, metaFileFor(file.signed.version, bytes));
  repo.markDirty('snapshot');
  return summary;
}

export function parseDetached(bytes: Uint8Array, what: string): DetachedRole {
  const envelope = parseEnvelope<TargetsJSON>(bytes, 'targets', what);
  const meta = envelope[DETACHED_FIELD];
  if (!isRecord(meta) || meta['format'] !== DETACHED_FORMAT || typeof meta['role'] !== 'string' || typeof meta['repository'] !== 'string') {
    throw new UsageError('bad-detached-file', `${what} is not a signet detached role file (${DETACHED_FORMAT})`);
  }
  if (!isRecord(envelope.signed.targets)) throw new UsageError('bad-detached-file', `${what} has no targets`);
  return envelope as DetachedRole;
}

export function serializeDetached(file: DetachedRole): string {
  return JSON.stringify(file, null, 2) + '\n';
}

async function requireDelegation(repo: TrustRepository, role: string) {
  const found = await findDelegation(repo, role);
  if (!found) throw new UsageError('unknown-role', `no delegation named ${JSON.stringify(role)} in ${repo.store.location}`);
  return found;
}
