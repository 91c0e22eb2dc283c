// `signet root sign`: add one detached signature to a root file, keeping the
// signatures already there, on the key holder's (offline) machine. A key that
// neither this root nor the root it replaces trusts for root is refused.

import type { Envelope, RootJSON } from '../metadata/types.js';
import { signEnvelope } from '../metadata/signing.js';
import type { Signer } from '../keys/signer.js';
import { shortKeyId } from '../keys/key-id.js';
import { rootSigningKeys } from './root-report.js';
import { UsageError } from '../errors.js';

export interface SignRootResult {
  keyId: string;
  /** True when the key had signed before and its signature was replaced. */
  replaced: boolean;
}

/**
 * Sign `root` in place with `signer`. `previous` is the root being rotated
 * from, whose keys may sign too (the cross-signature of TUF 5.3.4).
 */
export async function signRoot(root: Envelope<RootJSON>, signer: Signer, previous?: Envelope<RootJSON>): Promise<SignRootResult> {
  const allowed = rootSigningKeys(root, previous);
  if (!allowed.has(signer.keyId)) {
    const hint = previous
      ? `neither root v${root.signed.version} nor root v${previous.signed.version} lists it as a root key`
      : `root v${root.signed.version} does not list it as a root key; if it is a key of the root being rotated from, pass --previous OLD-ROOT.json`;
    throw new UsageError('not-a-root-key', `key ${shortKeyId(signer.keyId)} may not sign this root: ${hint}`);
  }
  if (previous && root.signed.version !== previous.signed.version + 1) {
    throw new UsageError('root-version', `this root is v${root.signed.version} but --previous is v${previous.signed.version}; a rotation is exactly one version ahead`);
  }
  const replaced = root.signatures.some((s) => s.keyid === signer.keyId);
  await signEnvelope(root, [signer], true);
  return { keyId: signer.keyId, replaced };
}
