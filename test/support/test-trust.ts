// Throwaway in-memory keys (TEST-ONLY) and a freshly initialised trust
// repository in any store, for tests that publish without a keystore (crash
// and concurrency tests, where scrypt per process would dominate).

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { generateEd25519, ed25519KeyJSON } from '../../src/keys/ed25519.js';
import { ed25519Signer, type Signer, type SignerProvider } from '../../src/keys/signer.js';
import { buildRoot } from '../../src/trust/root-builder.js';
import { initializeRepository } from '../../src/trust/initialize.js';
import { signEnvelope } from '../../src/metadata/signing.js';
import { serialize } from '../../src/trust/trust-repository.js';
import { TOP_LEVEL_ROLES, type Envelope, type RoleType, type RootJSON } from '../../src/metadata/types.js';
import type { MetadataStore } from '../../src/store/metadata-store.js';

/** Seeds and public keys, hex, per top-level role. TEST-ONLY: never a real key. */
export type TestKeys = Record<RoleType, { seed: string; publicKey: string }>;

export async function generateTestKeys(): Promise<TestKeys> {
  const out: Partial<TestKeys> = {};
  for (const role of TOP_LEVEL_ROLES) {
    const { seed, publicKey } = await generateEd25519();
    out[role] = { seed: Buffer.from(seed).toString('hex'), publicKey: Buffer.from(publicKey).toString('hex') };
  }
  return out as TestKeys;
}

export function signersOf(keys: TestKeys): SignerProvider {
  const all: Signer[] = TOP_LEVEL_ROLES.map((role) => ed25519Signer(Buffer.from(keys[role].seed, 'hex'), Buffer.from(keys[role].publicKey, 'hex')));
  return async (_role, keyIds) => all.filter((s) => keyIds.includes(s.keyId));
}

/** Initialise `store` with `keys`; writes the pinned root to `rootPath` and returns it. */
export async function initTestRepository(store: MetadataStore, keys: TestKeys, rootPath: string, now = new Date()): Promise<Envelope<RootJSON>> {
  const roles = Object.fromEntries(
    TOP_LEVEL_ROLES.map((role) => [role, { keys: [ed25519KeyJSON(Buffer.from(keys[role].publicKey, 'hex'))], threshold: 1 }]),
  ) as Parameters<typeof buildRoot>[0]['roles'];
  const root = buildRoot({ roles, now });
  const signers = signersOf(keys);
  await signEnvelope(root, await signers('root', root.signed.roles['root']!.keyids));
  await initializeRepository(store, root, { signers, now });
  await fs.mkdir(join(rootPath, '..'), { recursive: true });
  await fs.writeFile(rootPath, serialize(root));
  return root;
}
