// Revoking a key: remove it from every role that trusts it, in one publish.
// Top-level roles change in a new root version (refused when that would leave
// a role below its threshold: rotate instead). A delegated role whose
// published metadata no longer meets its threshold stops verifying at once;
// its targets are recorded as revoked in the delegator, so verifiers can say
// why, and a later rotation restarts the role empty.

import { TOP_LEVEL_ROLES } from '../metadata/types.js';
import { checkThreshold } from '../metadata/signing.js';
import { formatExpiry } from '../metadata/expiry.js';
import { shortKeyId } from '../keys/key-id.js';
import type { SignerProvider } from '../keys/signer.js';
import type { TrustRepository } from './trust-repository.js';
import { nextRoot, signNextRoot } from './next-root.js';
import { listDelegations, findDelegation, pruneKeys } from './delegations.js';
import { recordRevocation } from './revocation-records.js';
import { binsFollowTargetsKeys } from './bins-layout.js';
import { UsageError } from '../errors.js';

export interface KeyRevocationResult {
  keyId: string;
  /** Top-level roles the key was removed from (in root v`rootVersion`). */
  topLevel: string[];
  rootVersion?: number;
  delegated: Array<{
    role: string;
    delegator: string;
    /** False when the role's published metadata no longer meets its threshold. */
    stillVerifies: boolean;
    /** Targets that no longer verify because of this revocation. */
    revokedTargets: string[];
  }>;
}

export async function revokeKey(repo: TrustRepository, keyId: string, options: { now: Date; signers: SignerProvider; reason?: string }): Promise<KeyRevocationResult> {
  const result: KeyRevocationResult = { keyId, topLevel: [], delegated: [] };

  // Delegations first: they are read under the current root.
  for (const info of await listDelegations(repo)) {
    if (!info.keyIds.includes(keyId)) continue;
    const found = (await findDelegation(repo, info.name))!;
    const published = info.version > 0 ? await repo.roleIfVerifiable(info.name) : undefined;
    const delegations = found.doc.signed.delegations!;
    found.entry.keyids = found.entry.keyids.filter((id) => id !== keyId);
    pruneKeys(delegations);
    repo.markDirty(found.delegator);
    const stillVerifies = published !== undefined && checkThreshold(info.name, published, delegations.keys, found.entry).met;
    const revokedTargets = !stillVerifies && published ? Object.keys(published.signed.targets).sort() : [];
    const when = formatExpiry(options.now);
    const reason = options.reason ?? `signed by revoked key ${shortKeyId(keyId)}`;
    for (const name of revokedTargets) {
      const sha256 = published!.signed.targets[name]?.hashes['sha256'];
      recordRevocation(found.doc.signed, name, { revoked: when, reason, ...(sha256 ? { sha256 } : {}) });
    }
    result.delegated.push({ role: info.name, delegator: found.delegator, stillVerifies, revokedTargets });
  }

  const topLevel = TOP_LEVEL_ROLES.filter((role) => repo.root.signed.roles[role]?.keyids.includes(keyId));
  for (const role of topLevel) {
    const entry = repo.root.signed.roles[role]!;
    if (entry.keyids.length - 1 < entry.threshold) {
      throw new UsageError(
        'would-break-role',
        `${role} has ${entry.keyids.length} key(s) and threshold ${entry.threshold}: removing ${shortKeyId(keyId)} would leave it unable to sign; replace it with \`signet key rotate ${role}\``,
      );
    }
  }
  if (topLevel.length > 0) {
    const next = nextRoot(repo.root, options.now, (signed) => {
      for (const role of topLevel) {
        const entry = signed.roles[role]!;
        entry.keyids = entry.keyids.filter((id) => id !== keyId);
      }
    });
    await signNextRoot(repo.root, next, options.signers);
    // Hashed bins signed by the targets keys lose the revoked key with them.
    const targetsBefore = repo.root.signed.roles['targets'];
    const targetsAfter = next.signed.roles['targets'];
    if (topLevel.includes('targets') && targetsBefore && targetsAfter) {
      await binsFollowTargetsKeys(repo, { oldKeyIds: targetsBefore.keyids, newKeyIds: targetsAfter.keyids, threshold: targetsAfter.threshold, keys: next.signed.keys });
    }
    repo.setRoot(next);
    for (const role of topLevel) if (role !== 'root') repo.markDirty(role);
    result.topLevel = [...topLevel];
    result.rootVersion = next.signed.version;
  }
  if (topLevel.length === 0 && result.delegated.length === 0) {
    throw new UsageError('unknown-key', `no role of ${repo.store.location} trusts key ${shortKeyId(keyId)}; nothing was changed`);
  }
  return result;
}
