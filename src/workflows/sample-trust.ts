// The SAMPLE trust repository the README verifies before a user creates
// anything: fixtures/sample-trust (metadata, a directory store) signs
// signet-sample/app:1.0 and :2.0 of fixtures/oci/app, and keys/sample-root.json
// is its root to pin. Deterministic: keys derived from fixed TEST-ONLY labels,
// a fixed signing time, so `npm run fixtures` reproduces it byte for byte.
//
// SAMPLE/TEST-ONLY: anyone can derive these keys from this file, so the sample
// root must never cover anything but the `signet-sample/*` scope. Every role
// lasts ten years from 2026-11-01, so the README flow still verifies on a fresh
// machine long after the fixtures were generated (no cron keeps it alive).

import { createHash } from 'node:crypto';
import { ed25519Signer } from '../keys/signer.js';
import { publicKeyOf } from '../keys/ed25519.js';
import { buildRoot } from '../trust/root-builder.js';
import { initializeRepository } from '../trust/initialize.js';
import { TrustRepository, serialize } from '../trust/trust-repository.js';
import { signEnvelope } from '../metadata/signing.js';
import { DirectoryStore } from '../store/directory-store.js';
import { OciLayout } from '../image/oci-layout.js';
import { parseLayoutReference } from '../image/image-reference.js';
import { TOP_LEVEL_ROLES, type Envelope, type RoleType, type RootJSON } from '../metadata/types.js';
import type { Signer, SignerProvider } from '../keys/signer.js';
import { targetsFor } from './sign.js';

/** The repository name the sample signs its images under, and the scope to trust it for. */
export const SAMPLE_NAME = 'signet-sample/app';
export const SAMPLE_SCOPE = 'signet-sample/*';
const SIGNED_AT = new Date('2026-11-01T00:00:00Z');
const TEN_YEARS = 3650 * 86400;

/**
 * Write the sample trust repository into the empty directory `dir`, signing
 * tags 1.0 and 2.0 of the OCI layout at `layoutDir`; returns its root (pin it).
 */
export async function writeSampleTrust(dir: string, layoutDir: string): Promise<{ root: Envelope<RootJSON>; rootBytes: Uint8Array }> {
  const signers = new Map<RoleType, Signer>();
  for (const role of TOP_LEVEL_ROLES) {
    const seed = createHash('sha256').update(`signet SAMPLE TEST-ONLY ${role} key: never trust beyond ${SAMPLE_SCOPE}`).digest();
    signers.set(role, ed25519Signer(seed, await publicKeyOf(seed)));
  }
  const provider: SignerProvider = async (role, keyIds) => {
    const signer = signers.get(role as RoleType);
    return signer && keyIds.includes(signer.keyId) ? [signer] : [];
  };
  const keyOf = (role: RoleType) => ({ keys: [signers.get(role)!.publicKey], threshold: 1 });
  const root = buildRoot({
    roles: { root: keyOf('root'), targets: keyOf('targets'), snapshot: keyOf('snapshot'), timestamp: keyOf('timestamp') },
    now: SIGNED_AT,
    expirySeconds: { root: TEN_YEARS, targets: TEN_YEARS, snapshot: TEN_YEARS, timestamp: TEN_YEARS },
  });
  await signEnvelope(root, [signers.get('root')!]);
  const store = new DirectoryStore(dir);
  await initializeRepository(store, root, { signers: provider, now: SIGNED_AT });
  const repo = await TrustRepository.load(store, root);
  const layout = new OciLayout(layoutDir);
  for (const tag of ['1.0', '2.0']) {
    const ref = { ...parseLayoutReference(`oci-layout:${layoutDir}:${tag}`), name: SAMPLE_NAME };
    for (const entry of targetsFor(ref, await layout.getManifest(ref))) await repo.addTarget(entry);
  }
  await repo.publish({ signers: provider, now: SIGNED_AT });
  return { root, rootBytes: serialize(root) };
}

