// Publishing a new root version that changes the keys of targets, snapshot or
// timestamp without a window in which readers fail: the re-signed roles carry
// signatures that BOTH the published root and the new one accept, and are
// written before the new root. Without the old keys, root goes first (as before).

import type { Envelope, RoleKeysJSON, RootJSON } from '../metadata/types.js';
import type { Signer, SignerProvider } from '../keys/signer.js';
import { shortKeyId } from '../keys/key-id.js';

/** Top-level roles whose metadata a root change can invalidate (root checks itself). */
const SIGNED_BY_ROOT_KEYS = ['targets', 'snapshot', 'timestamp'] as const;

export interface RootSwitchPlan {
  /** Roles whose key ids or threshold differ between the published root and the new one. */
  changed: string[];
  /** Per changed role: signers of the published root's keys to add to its new signatures. */
  bridge: Map<string, Signer[]>;
  /**
   * True when every changed role can be signed so that both roots accept it:
   * then write targets/snapshot/timestamp first and the new root last, so a
   * reader on either root verifies at every moment (TUF 1.0 snapshot and
   * timestamp do not name the root version they were made under).
   */
  rootLast: boolean;
  /** Why the switch cannot be seamless (missing old keys), for the operator's log. */
  reason?: string;
}

/**
 * Decide how to switch from `published` to `next`. Never throws for a missing
 * or locked old key: that only makes the switch non-seamless. Prefers old keys
 * that stay in the role, so a key removed because it leaked signs only when
 * nothing else can meet the old threshold.
 */
export async function planRootSwitch(published: Envelope<RootJSON>, next: Envelope<RootJSON>, provider: SignerProvider): Promise<RootSwitchPlan> {
  const plan: RootSwitchPlan = { changed: [], bridge: new Map(), rootLast: true };
  const short: string[] = [];
  for (const role of SIGNED_BY_ROOT_KEYS) {
    const before = roleEntry(published, role);
    const after = roleEntry(next, role);
    if (!before || !after || sameKeys(published, before, next, after)) continue;
    plan.changed.push(role);
    const kept = new Set(after.keyids);
    const oldIds = new Set(before.keyids);
    let available: Signer[] = [];
    try {
      available = (await provider(role, before.keyids)).filter((s) => oldIds.has(s.keyId));
    } catch {
      // A key that cannot be unlocked is as good as absent here; the reason is logged below.
    }
    const unique = [...new Map(available.map((s) => [s.keyId, s])).values()];
    unique.sort((a, b) => Number(kept.has(b.keyId)) - Number(kept.has(a.keyId)));
    const chosen = unique.slice(0, before.threshold);
    if (chosen.length >= before.threshold) {
      plan.bridge.set(role, chosen);
    } else {
      const have = new Set(unique.map((s) => s.keyId));
      const missing = before.keyids.filter((id) => !have.has(id)).map(shortKeyId);
      short.push(`${role} (${unique.length}/${before.threshold} old key(s); missing: ${missing.join(', ')})`);
    }
  }
  if (short.length > 0) {
    plan.rootLast = false;
    plan.bridge.clear();
    plan.reason =
      `the old keys of ${short.join('; ')} are not available, so root v${next.signed.version} is published first: ` +
      `verifiers may fail (exit 1) until the re-signed roles follow, moments later`;
  }
  return plan;
}

function roleEntry(root: Envelope<RootJSON>, role: string): RoleKeysJSON | undefined {
  return Object.hasOwn(root.signed.roles, role) ? root.signed.roles[role] : undefined;
}

/** Same threshold, same key ids, and each id bound to the same key in both roots. */
function sameKeys(rootA: Envelope<RootJSON>, a: RoleKeysJSON, rootB: Envelope<RootJSON>, b: RoleKeysJSON): boolean {
  if (a.threshold !== b.threshold || a.keyids.length !== b.keyids.length) return false;
  const ids = new Set(a.keyids);
  const keyOf = (root: Envelope<RootJSON>, id: string) => (Object.hasOwn(root.signed.keys, id) ? JSON.stringify(root.signed.keys[id]) : undefined);
  return b.keyids.every((id) => ids.has(id) && keyOf(rootA, id) === keyOf(rootB, id));
}
