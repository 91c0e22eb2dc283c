// What `signet root verify` tells a ceremony: the root's keys per role with
// fingerprints to read aloud, who signed, and whether the root's own
// threshold (and, for a rotation, the previous root's threshold) is met.

import type { Envelope, RootJSON } from '../metadata/types.js';
import type { ThresholdResult } from '../metadata/signing.js';
import { isExpired } from '../metadata/expiry.js';
import { fingerprint } from '../keys/key-id.js';
import { rootThreshold } from '../trust/root-chain.js';

export interface ReportedKey {
  keyId: string;
  /** The key id in groups of four hex digits, for reading aloud. */
  fingerprint: string;
  signed: boolean;
}

export interface ReportedRole {
  role: string;
  threshold: number;
  keys: ReportedKey[];
}

export interface ThresholdStatus {
  /** Which root's keys were counted: `root v3`. */
  by: string;
  threshold: number;
  signed: number;
  met: boolean;
  missing: string[];
}

export interface RootReport {
  version: number;
  expires: string;
  expired: boolean;
  roles: ReportedRole[];
  /** Every signature on the file: valid ones by a key this or the previous root trusts for root. */
  signatures: Array<{ keyId: string; fingerprint: string; valid: boolean; trustedBy: string[] }>;
  /** The root's own threshold (TUF 5.3.4, second half). */
  self: ThresholdStatus;
  /** For a rotation: the previous root's threshold (TUF 5.3.4, first half). */
  previous?: ThresholdStatus & { version: number; versionFollows: boolean };
  /** True when the root would be accepted: unexpired, its threshold met, and after `previous` when given. */
  ok: boolean;
}

/** Describe `root` and its signatures; `previous` is the root it is meant to replace. */
export function describeRoot(root: Envelope<RootJSON>, now: Date, previous?: Envelope<RootJSON>): RootReport {
  const own = rootThreshold(root);
  const old = previous ? rootThreshold(root, previous) : undefined;
  const signedBy = new Set([...own.valid, ...(old?.valid ?? [])]);

  const roles: ReportedRole[] = Object.entries(root.signed.roles).map(([role, entry]) => ({
    role,
    threshold: entry.threshold,
    keys: entry.keyids.map((keyId) => ({ keyId, fingerprint: fingerprint(keyId), signed: role === 'root' && own.valid.includes(keyId) })),
  }));

  const signatures = root.signatures.map((s) => {
    const trustedBy: string[] = [];
    if (own.valid.includes(s.keyid)) trustedBy.push(`root v${root.signed.version}`);
    if (previous && old?.valid.includes(s.keyid)) trustedBy.push(`root v${previous.signed.version}`);
    return { keyId: s.keyid, fingerprint: fingerprint(s.keyid), valid: signedBy.has(s.keyid), trustedBy };
  });

  const report: RootReport = {
    version: root.signed.version,
    expires: root.signed.expires,
    expired: isExpired(root.signed.expires, now),
    roles,
    signatures,
    self: status(own, `root v${root.signed.version}`),
    ok: false,
  };
  const expired = report.expired;
  if (previous && old) {
    // TUF 5.3.5: a rotation is exactly one version ahead.
    const versionFollows = root.signed.version === previous.signed.version + 1;
    report.previous = { ...status(old, `root v${previous.signed.version}`), version: previous.signed.version, versionFollows };
  }
  report.ok = !expired && own.met && (report.previous ? report.previous.met && report.previous.versionFollows : true);
  return report;
}

function status(result: ThresholdResult, by: string): ThresholdStatus {
  return { by, threshold: result.threshold, signed: result.valid.length, met: result.met, missing: result.missing };
}

/** Keys allowed to sign `root`: its own root keys and those of the root it replaces. */
export function rootSigningKeys(root: Envelope<RootJSON>, previous?: Envelope<RootJSON>): Set<string> {
  const ids = new Set(root.signed.roles['root']?.keyids ?? []);
  for (const id of previous?.signed.roles['root']?.keyids ?? []) ids.add(id);
  return ids;
}
