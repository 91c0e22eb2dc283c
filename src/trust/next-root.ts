// The next root version for a key change of a top-level role: a copy of the
// current root with one more version, a fresh expiry and the edit applied,
// signed by a threshold of the old root's keys and of its own (TUF 5.3.4),
// checked with the same verifyRootUpdate the ceremony uses.

import type { Envelope, RootJSON } from '../metadata/types.js';
import { signEnvelope } from '../metadata/signing.js';
import { expiryAfter } from '../metadata/expiry.js';
import type { SignerProvider } from '../keys/signer.js';
import { shortKeyId } from '../keys/key-id.js';
import { expirySecondsFor } from './root-builder.js';
import { rootThreshold, verifyRootUpdate } from './root-chain.js';
import { UsageError } from '../errors.js';

/** An unsigned copy of `current` as version + 1, with `edit` applied and unused keys dropped. */
export function nextRoot(current: Envelope<RootJSON>, now: Date, edit: (signed: RootJSON) => void): Envelope<RootJSON> {
  const signed = structuredClone(current.signed);
  signed.version += 1;
  signed.expires = expiryAfter(now, expirySecondsFor(signed, 'root'));
  edit(signed);
  const used = new Set(Object.values(signed.roles).flatMap((role) => role.keyids));
  for (const keyId of Object.keys(signed.keys)) if (!used.has(keyId)) delete signed.keys[keyId];
  return { signed, signatures: [] };
}

/**
 * Sign `next` with every root key (old and new) the provider holds. Throws a
 * UsageError naming the missing keys when either threshold is not met.
 */
export async function signNextRoot(current: Envelope<RootJSON>, next: Envelope<RootJSON>, provider: SignerProvider): Promise<void> {
  const oldIds = current.signed.roles['root']?.keyids ?? [];
  const newIds = next.signed.roles['root']?.keyids ?? [];
  const wanted = [...new Set([...oldIds, ...newIds])];
  const signers = (await provider('root', wanted)).filter((s) => wanted.includes(s.keyId));
  await signEnvelope(next, signers);
  const byOld = rootThreshold(next, current);
  const byOwn = rootThreshold(next);
  if (!byOld.met || !byOwn.met) {
    const missing = [...new Set([...(byOld.met ? [] : byOld.missing), ...(byOwn.met ? [] : byOwn.missing)])].map(shortKeyId);
    throw new UsageError(
      'missing-signing-key',
      `root v${next.signed.version} needs ${byOld.threshold} signature(s) by root v${current.signed.version}'s keys and ${byOwn.threshold} by its own; ` +
        `this keystore has ${byOld.valid.length} and ${byOwn.valid.length} (missing: ${missing.join(', ')}); bring the root keys here or import them with \`signet key import\``,
    );
  }
  verifyRootUpdate(current, next);
}
