// Unlock a publish's online keys before the publish needs them, while other
// work (resolving manifests) runs. Passphrases are asked for one at a time
// (a terminal prompt never interleaves) but the scrypt derivations that
// follow run side by side on libuv's thread pool.

import type { SignerProvider } from '../keys/signer.js';
import type { Envelope, RootJSON } from '../metadata/types.js';

const ONLINE_ROLES = ['targets', 'snapshot', 'timestamp'] as const;

export { serialPassphrases } from '../keys/serial-passphrases.js';

/**
 * Ask `signers` (memoized by the caller, so publish reuses the result) for
 * the online keys each pinned root names. Never rejects: a failure surfaces
 * again when publish asks for the same keys.
 */
export async function unlockAhead(roots: ReadonlyArray<Envelope<RootJSON>>, signers: SignerProvider): Promise<void> {
  const requests: Array<Promise<unknown>> = [];
  for (const root of roots) {
    for (const role of ONLINE_ROLES) {
      const keys = Object.hasOwn(root.signed.roles, role) ? root.signed.roles[role] : undefined;
      if (keys) requests.push(signers(role, keys.keyids).catch(() => undefined));
    }
  }
  await Promise.all(requests);
}
