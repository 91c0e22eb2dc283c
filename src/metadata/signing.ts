// Signing and threshold checks over canonical JSON, used by the writer and the
// offline ceremony (the deploy-side verifier is tuf-js). Keys are checked by
// the one key-scheme dispatch (keys/key-schemes.ts: ed25519, ECDSA P-256);
// a key of any other type never counts toward a threshold.

import { canonicalBytes } from './canonical-json.js';
import type { Envelope, KeyJSON, RoleKeysJSON, SignatureJSON } from './types.js';
import type { Signer } from '../keys/signer.js';
import { verifySignature } from '../keys/key-schemes.js';
import { shortKeyId } from '../keys/key-id.js';
import { VerificationError } from '../errors.js';
import { LIMITS } from '../limits.js';

/**
 * Replace the signatures of `envelope` made by `signers` with fresh ones over
 * the canonical form of `envelope.signed`; other signatures are kept when
 * `keepOthers` (detached multi-party signing), dropped otherwise.
 */
export async function signEnvelope<T>(envelope: Envelope<T>, signers: readonly Signer[], keepOthers = false): Promise<void> {
  const message = canonicalBytes(envelope.signed);
  const mine = new Set(signers.map((s) => s.keyId));
  const kept = keepOthers ? envelope.signatures.filter((s) => !mine.has(s.keyid)) : [];
  const fresh: SignatureJSON[] = [];
  for (const signer of signers) {
    fresh.push({ keyid: signer.keyId, sig: Buffer.from(await signer.sign(message)).toString('hex') });
  }
  envelope.signatures = [...kept, ...fresh];
}

export interface ThresholdResult {
  role: string;
  threshold: number;
  /** Key ids whose signature verified. */
  valid: string[];
  /** Key ids the role trusts that did not sign validly. */
  missing: string[];
  met: boolean;
}

/**
 * Count valid signatures on `envelope` by the keys `roleKeys` names. Each key
 * counts once; signatures by keys the role does not list are ignored.
 */
export function checkThreshold(
  role: string,
  envelope: Envelope<unknown>,
  keys: Readonly<Record<string, KeyJSON>>,
  roleKeys: RoleKeysJSON,
): ThresholdResult {
  const message = canonicalBytes(envelope.signed);
  const trusted = new Set(roleKeys.keyids);
  const valid = new Set<string>();
  let tried = 0;
  for (const signature of envelope.signatures) {
    if (++tried > LIMITS.maxSignaturesTried) break;
    if (!trusted.has(signature.keyid) || valid.has(signature.keyid)) continue;
    if (!Object.hasOwn(keys, signature.keyid)) continue;
    const key = keys[signature.keyid] as KeyJSON;
    if (typeof signature.sig !== 'string') continue;
    if (verifySignature(key, message, hexBytes(signature.sig))) valid.add(signature.keyid);
  }
  const missing = roleKeys.keyids.filter((id) => !valid.has(id));
  return { role, threshold: roleKeys.threshold, valid: [...valid], missing, met: valid.size >= roleKeys.threshold };
}

/** Throws a VerificationError naming the role, the counts and the missing keys. */
export function requireThreshold(result: ThresholdResult): void {
  if (result.met) return;
  throw new VerificationError(
    'below-threshold',
    `${result.role} was signed by ${result.valid.length}/${result.threshold} required keys` +
      ` (missing: ${result.missing.map(shortKeyId).join(', ') || 'none listed'})`,
  );
}

function hexBytes(hex: string): Uint8Array {
  return /^[0-9a-f]*$/i.test(hex) && hex.length % 2 === 0 ? Buffer.from(hex, 'hex') : new Uint8Array();
}
