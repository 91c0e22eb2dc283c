// Signing a role during a publish: the signers a provider holds for the
// role's keys (at least its threshold, else a UsageError naming the missing
// keys), plus bridge signers during a root switch; providers memoised per publish.

import type { Envelope, RoleKeysJSON } from '../metadata/types.js';
import { signEnvelope } from '../metadata/signing.js';
import type { Signer, SignerProvider } from '../keys/signer.js';
import { shortKeyId } from '../keys/key-id.js';
import { UsageError } from '../errors.js';

/**
 * Sign with the role's available keys (at least its threshold), plus `extra`
 * (old keys bridging a root switch, which the new root ignores). `askFor` is
 * the role name the provider is asked under (bins share their keys' role).
 */
export async function signWith(role: string, envelope: Envelope<unknown>, keys: RoleKeysJSON, provider: SignerProvider, askFor = role, extra: readonly Signer[] = []): Promise<void> {
  const signers = await availableSigners(role, keys, provider, askFor);
  const all = new Map([...signers, ...extra].map((s) => [s.keyId, s]));
  await signEnvelope(envelope, [...all.values()]);
}

/** The signers `provider` has for `keys`; throws a UsageError naming the missing keys when below the threshold. */
export async function availableSigners(role: string, keys: RoleKeysJSON, provider: SignerProvider, askFor = role): Promise<Signer[]> {
  const trusted = new Set(keys.keyids);
  const signers = (await provider(askFor, keys.keyids)).filter((s) => trusted.has(s.keyId));
  if (signers.length < keys.threshold) {
    const have = new Set(signers.map((s) => s.keyId));
    const missing = keys.keyids.filter((id) => !have.has(id)).map(shortKeyId);
    throw new UsageError(
      'missing-signing-key',
      `${role} needs ${keys.threshold} signature(s) but only ${signers.length} of its keys are available (missing: ${missing.join(', ')}); import the key with \`signet key import\``,
    );
  }
  return signers;
}

/** One provider call per (role, key ids) within a publish, shared by concurrent callers. */
export function memoizeSigners(provider: SignerProvider): SignerProvider {
  const cache = new Map<string, ReturnType<SignerProvider>>();
  return (role, keyIds) => {
    const key = `${role}\n${keyIds.join(',')}`;
    let pending = cache.get(key);
    if (!pending) {
      pending = provider(role, keyIds);
      cache.set(key, pending);
    }
    return pending;
  };
}

