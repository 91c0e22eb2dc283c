// A TUF repository written by signet's own writer (initializeRepository,
// updateRepository) into <dir>/metadata, with target files laid out for
// consistent snapshots (<dir>/targets/<dir>/<sha256>.<base>). TEST-ONLY keys.

import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateEd25519 } from '../../../src/keys/ed25519.js';
import { ed25519Signer, type Signer, type SignerProvider } from '../../../src/keys/signer.js';
import { buildRoot } from '../../../src/trust/root-builder.js';
import { initializeRepository } from '../../../src/trust/initialize.js';
import { serialize, updateRepository, type TrustRepository } from '../../../src/trust/trust-repository.js';
import { signEnvelope } from '../../../src/metadata/signing.js';
import { sha256Hex } from '../../../src/metadata/digest.js';
import { DirectoryStore } from '../../../src/store/directory-store.js';
import type { Envelope, RootJSON } from '../../../src/metadata/types.js';

async function newSigner(): Promise<Signer> {
  const { seed, publicKey } = await generateEd25519();
  return ed25519Signer(seed, publicKey);
}

export class SignetRepo {
  readonly dir: string;
  readonly store: DirectoryStore;
  readonly signers = new Map<string, Signer>();
  root1!: Buffer;
  private pinned!: Envelope<RootJSON>;
  private roleSigners = new Map<string, Signer>();

  constructor(dir: string) {
    this.dir = dir;
    this.store = new DirectoryStore(join(dir, 'metadata'));
  }

  readonly provider: SignerProvider = async (_role, keyIds) => keyIds.flatMap((id) => (this.signers.has(id) ? [this.signers.get(id)!] : []));

  async init(now = new Date()): Promise<void> {
    for (const role of ['root', 'targets', 'snapshot', 'timestamp', 'team-b']) {
      const signer = await newSigner();
      this.roleSigners.set(role, signer);
      this.signers.set(signer.keyId, signer);
    }
    const spec = (role: string) => ({ keys: [this.roleSigners.get(role)!.publicKey], threshold: 1 });
    const root = buildRoot({ roles: { root: spec('root'), targets: spec('targets'), snapshot: spec('snapshot'), timestamp: spec('timestamp') }, now });
    await signEnvelope(root, [this.roleSigners.get('root')!]);
    await initializeRepository(this.store, root, { signers: this.provider, now });
    this.pinned = root;
    this.root1 = serialize(root);
  }

  /** Run a signet writer edit and publish; `files` are written as consistent-snapshot target files. */
  async update(edit: (repo: TrustRepository) => Promise<void>, now = new Date()): Promise<void> {
    await updateRepository(this.store, this.pinned, { signers: this.provider, now }, edit);
  }

  async addTarget(name: string, bytes: Buffer, role?: string): Promise<void> {
    await this.update(async (repo) => repo.addTarget({ name, length: bytes.length, sha256: sha256Hex(bytes) }, role));
    const path = join(this.dir, 'targets', dirname(name), `${sha256Hex(bytes)}.${name.split('/').pop()!}`);
    await fs.mkdir(dirname(path), { recursive: true });
    await fs.writeFile(path, bytes);
  }

  /** Delegate `paths` to role team-b (its own key), signed into top-level targets. */
  async delegate(paths: string[]): Promise<void> {
    const signer = this.roleSigners.get('team-b')!;
    await this.update(async (repo) => {
      repo.targets.signed.delegations = {
        keys: { [signer.keyId]: signer.publicKey },
        roles: [{ name: 'team-b', keyids: [signer.keyId], threshold: 1, terminating: false, paths }],
      };
      repo.markDirty('targets');
    });
  }

  /** Delegate every target to TAP 15 succinct hashed bins `bins-0` … (one key for all bins). */
  async useHashedBins(bitLength: number): Promise<void> {
    const signer = this.roleSigners.get('team-b')!;
    await this.update(async (repo) => {
      repo.targets.signed.delegations = {
        keys: { [signer.keyId]: signer.publicKey },
        succinct_roles: { keyids: [signer.keyId], threshold: 1, bit_length: bitLength, name_prefix: 'bins' },
      };
      repo.markDirty('targets');
    });
  }

  /** Replace the root key: root v(N+1) signed by the old and the new key. */
  async rotateRootKey(): Promise<void> {
    const fresh = await newSigner();
    this.signers.set(fresh.keyId, fresh);
    await this.update(async (repo) => {
      const old = repo.root;
      const next: Envelope<RootJSON> = structuredClone(old);
      const oldId = old.signed.roles['root']!.keyids[0]!;
      delete next.signed.keys[oldId];
      next.signed.keys[fresh.keyId] = fresh.publicKey;
      next.signed.roles['root'] = { keyids: [fresh.keyId], threshold: 1 };
      next.signed.version += 1;
      await signEnvelope(next, [this.signers.get(oldId)!, fresh]);
      repo.setRoot(next);
      repo.markDirty('timestamp');
    });
  }
}
