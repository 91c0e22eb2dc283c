// The writer's view of a trust repository: loads the published state from a
// store (checking every signature against the pinned root chain, so a writer
// never re-signs tampered metadata), lets callers edit targets and
// delegations, then publishes targets → snapshot → timestamp.

import type {
  DelegatedRoleJSON,
  Envelope,
  KeyJSON,
  RoleKeysJSON,
  RootJSON,
  SnapshotJSON,
  TargetFileJSON,
  TargetsJSON,
  TimestampJSON,
} from '../metadata/types.js';
import { parseEnvelope } from '../metadata/types.js';
import { checkThreshold, requireThreshold } from '../metadata/signing.js';
import { expiryAfter } from '../metadata/expiry.js';
import { sha256Hex } from '../metadata/digest.js';
import { metadataFileName, type MetadataStore, type PublishLock } from '../store/metadata-store.js';
import type { SignerProvider } from '../keys/signer.js';
import { shortKeyId } from '../keys/key-id.js';
import { loadLatestRoot } from './root-chain.js';
import { expirySecondsFor } from './root-builder.js';
import { binFor, isBinRole } from './succinct-bins.js';
import { clearRevocation } from './revocation-records.js';
import { planRootSwitch } from './root-switch.js';
import type { Signer } from '../keys/signer.js';
import { InconclusiveError, UsageError, VerificationError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { checkMetaFile, checkVersion, emptyTargets, metaFileFor, pinsBytes, requireFile, roleKeys, roleNamesOfSnapshotKey, serialize, setSnapshotEntry, snapshotEntry } from './metadata-files.js';
import { availableSigners, memoizeSigners, signWith } from './role-signing.js';
import { forEachBounded } from './for-each-bounded.js';
import type { PublishMemory } from './publish-memory.js';

// Moved out of this file; re-exported so existing imports keep working.
export { roleKeys, serialize, emptyTargets } from './metadata-files.js';
export { memoizeSigners } from './role-signing.js';
export { updateRepository } from './update-repository.js';

/** One signed target, in signet's API form. */
export interface TargetEntry {
  name: string;
  length: number;
  sha256: string;
  /** Signed beside sha256 when asked (`signet sign --sha512 file:…`). */
  sha512?: string;
  custom?: Record<string, unknown>;
}

export interface PublishOptions {
  signers: SignerProvider;
  /** The reference time of the whole operation. */
  now: Date;
  /** Called just before the commit point (the timestamp write); throws to abort. */
  beforeCommit?: () => Promise<void>;
  /** One line of diagnostics (retries after a lost race). */
  log?: (line: string) => void;
  /** Versions this machine saw before: a store rolled back below them is refused. */
  memory?: PublishMemory;
}

export class TrustRepository {
  readonly store: MetadataStore;
  root: Envelope<RootJSON>;
  timestamp: Envelope<TimestampJSON>;
  snapshot: Envelope<SnapshotJSON>;
  private readonly roles = new Map<string, Envelope<TargetsJSON>>();
  private readonly dirty = new Set<string>();
  /** Length and hash of each targets role file as loaded (checked against the snapshot), for `pinLoadedRoles`. */
  private readonly loadedMeta = new Map<string, { version: number; length: number; hashes: { sha256: string } }>();
  /**
   * Roles whose keys changed (or that restarted) but whose content this
   * machine did not edit: publish re-signs them when it holds their keys, and
   * otherwise leaves them to the holders of their new keys (see handedOver).
   */
  private readonly handOver = new Set<string>();
  /** Roles restarted empty in this edit: their old published content must never count again. */
  private readonly wasReset = new Set<string>();
  /** The newest root in the store, as loaded or last written. */
  private publishedRoot: Envelope<RootJSON>;
  /** Root versions set since then, in order (each must be written, or the chain breaks). */
  private pendingRoots: Envelope<RootJSON>[] = [];

  private constructor(store: MetadataStore, root: Envelope<RootJSON>, timestamp: Envelope<TimestampJSON>, snapshot: Envelope<SnapshotJSON>) {
    this.store = store;
    this.root = root;
    this.publishedRoot = root;
    this.timestamp = timestamp;
    this.snapshot = snapshot;
  }

  /**
   * Load the newest published state. Throws a VerificationError when any file
   * is not signed by a threshold of the keys trusted for it, or does not match
   * the version or hash that the role above it records.
   */
  static async load(store: MetadataStore, pinned: Envelope<RootJSON>): Promise<TrustRepository> {
    const root = await loadLatestRoot(store, pinned);
    const tsBytes = await store.get('timestamp.json', LIMITS.timestampBytes);
    if (tsBytes === undefined) {
      throw new UsageError('not-initialised', `${store.location} has no timestamp.json; run \`signet init\` first`);
    }
    const timestamp = parseEnvelope<TimestampJSON>(tsBytes, 'timestamp', 'timestamp.json');
    requireThreshold(checkThreshold('timestamp', timestamp, root.signed.keys, roleKeys(root, 'timestamp')));

    const snapMeta = timestamp.signed.meta['snapshot.json'];
    if (!snapMeta) throw new VerificationError('metadata-format', 'timestamp.json does not list snapshot.json');
    const snapName = metadataFileName('snapshot', snapMeta.version);
    const snapBytes = await requireFile(store, snapName, LIMITS.snapshotBytes);
    checkMetaFile('snapshot', snapMeta, snapBytes);
    const snapshot = parseEnvelope<SnapshotJSON>(snapBytes, 'snapshot', snapName);
    requireThreshold(checkThreshold('snapshot', snapshot, root.signed.keys, roleKeys(root, 'snapshot')));
    checkVersion('snapshot', snapshot.signed.version, snapMeta.version);

    return TrustRepository.assemble(store, root, timestamp, snapshot);
  }

  /**
   * A repository from a root chain, timestamp and snapshot the caller has
   * verified (`load`, or salvage.ts); the targets role is loaded and checked
   * against the snapshot and the root's targets threshold here.
   */
  static async assemble(store: MetadataStore, root: Envelope<RootJSON>, timestamp: Envelope<TimestampJSON>, snapshot: Envelope<SnapshotJSON>): Promise<TrustRepository> {
    const repo = new TrustRepository(store, root, timestamp, snapshot);
    const targets = await repo.fetchRole('targets');
    requireThreshold(checkThreshold('targets', targets, root.signed.keys, roleKeys(root, 'targets')));
    repo.roles.set('targets', targets);
    return repo;
  }

  /** The top-level targets role. */
  get targets(): Envelope<TargetsJSON> {
    return this.roles.get('targets')!;
  }

  /** The targets role that a new target named `name` belongs in (a bin, when the repository uses them). */
  roleFor(name: string): string {
    const succinct = this.targets.signed.delegations?.succinct_roles;
    return succinct ? binFor(succinct, name) : 'targets';
  }

  /** A targets or delegated role, loaded and verified against its delegator on first use. */
  async role(name: string): Promise<Envelope<TargetsJSON>> {
    const loaded = this.roles.get(name);
    if (loaded) return loaded;
    const delegation = await this.delegationOf(name);
    if (!delegation) throw new UsageError('unknown-role', `no role named ${JSON.stringify(name)} is delegated in ${this.store.location}`);
    let envelope: Envelope<TargetsJSON>;
    if (snapshotEntry(this.snapshot.signed.meta, name)) {
      envelope = await this.fetchRole(name);
      requireThreshold(checkThreshold(name, envelope, delegation.keys, delegation.role));
    } else {
      // Delegated but never published: start it empty at version 0 (publish makes it 1).
      envelope = emptyTargets(this.targets.signed.expires);
      this.dirty.add(name);
    }
    this.roles.set(name, envelope);
    return envelope;
  }

  /** Add or replace a target in `role` (default: where `roleFor` puts it). */
  async addTarget(entry: TargetEntry, role?: string): Promise<void> {
    const roleName = role ?? this.roleFor(entry.name);
    const doc = await this.roleToSign(roleName);
    this.handOver.delete(roleName);
    const file: TargetFileJSON = { length: entry.length, hashes: { sha256: entry.sha256, ...(entry.sha512 ? { sha512: entry.sha512 } : {}) } };
    if (entry.custom) file.custom = entry.custom;
    doc.signed.targets[entry.name] = file;
    clearRevocation(doc.signed, entry.name);
    this.dirty.add(roleName);
  }

  /** Remove the targets for which `match` is true, from every role; returns the removed names. */
  async removeTargets(match: (name: string, file: TargetFileJSON) => boolean): Promise<string[]> {
    const removed: string[] = [];
    for (const roleName of await this.allTargetsRoles()) {
      const doc = await this.roleIfVerifiable(roleName);
      if (!doc) continue;
      for (const [name, file] of Object.entries(doc.signed.targets)) {
        if (!match(name, file)) continue;
        delete doc.signed.targets[name];
        removed.push(name);
        this.dirty.add(roleName);
        this.handOver.delete(roleName);
      }
    }
    return removed;
  }

  /** Every target in every role, with the role that signs it (roles in `unverifiable` are skipped). */
  async listTargets(): Promise<Array<TargetEntry & { role: string }>> {
    const out: Array<TargetEntry & { role: string }> = [];
    for (const roleName of await this.allTargetsRoles()) {
      const doc = await this.roleIfVerifiable(roleName);
      if (!doc) continue;
      for (const [name, file] of Object.entries(doc.signed.targets)) {
        const entry: TargetEntry & { role: string } = { name, length: file.length, sha256: file.hashes['sha256'] ?? '', role: roleName };
        if (file.custom) entry.custom = file.custom;
        out.push(entry);
      }
    }
    return out;
  }

  /** Names of the top-level targets role and every delegated role the snapshot lists. */
  async allTargetsRoles(): Promise<string[]> {
    const names = ['targets'];
    for (const file of Object.keys(this.snapshot.signed.meta)) {
      for (const role of roleNamesOfSnapshotKey(file)) {
        if (role === 'targets' || names.includes(role) || !(await this.delegationOf(role))) continue;
        names.push(role);
        break;
      }
    }
    return names;
  }

  /**
   * Start delegated role `name` afresh with no targets, continuing the version
   * the snapshot lists so readers never see its version go back. Used when a
   * delegation is re-created or its old content can no longer be trusted.
   */
  resetRole(name: string): Envelope<TargetsJSON> {
    const listed = snapshotEntry(this.snapshot.signed.meta, name);
    const envelope = emptyTargets(this.targets.signed.expires);
    envelope.signed.version = listed?.version ?? 0;
    this.roles.set(name, envelope);
    this.dirty.add(name);
    // Nothing was signed into it here yet: its key holders may be the ones to publish it (see markKeysChanged).
    this.handOver.add(name);
    this.wasReset.add(name);
    return envelope;
  }

  /**
   * Delegated roles whose published metadata no longer meets their
   * delegation's threshold (e.g. after one of their keys was revoked), with
   * the reason. Verifiers refuse them; listings skip them.
   */
  readonly unverifiable = new Map<string, string>();

  /** `role(name)`, or undefined (noted in `unverifiable`) for a delegated role below its threshold. */
  async roleIfVerifiable(name: string): Promise<Envelope<TargetsJSON> | undefined> {
    try {
      return await this.role(name);
    } catch (error) {
      if (name === 'targets' || !(error instanceof VerificationError) || error.code !== 'below-threshold') throw error;
      this.unverifiable.set(name, error.message);
      return undefined;
    }
  }

  /** Mark a role as edited, so publish re-signs it (and the roles above it). */
  markDirty(role: string): void {
    this.dirty.add(role);
    this.handOver.delete(role);
  }

  /**
   * Mark a role whose keys changed (or that was restarted) without its content
   * being edited here: publish re-signs it with its new keys when this machine
   * holds them, else leaves its published copy for the holders of those keys
   * (recorded in `handedOver`). This is how a delegator rotates a delegation to
   * a key that never leaves another machine. Top-level `targets` is left only
   * when its published copy already meets its new keys (else every image would
   * stop verifying); otherwise publish fails naming the missing key.
   */
  markKeysChanged(role: string): void {
    if (!this.dirty.has(role)) this.handOver.add(role);
    this.dirty.add(role);
  }

  /** Roles the last publish left for the holders of their new keys, with what that means for verifiers. */
  readonly handedOver: Array<{ role: string; stillVerifies: boolean; message: string }> = [];

  /**
   * Delegated roles this machine signs afresh because their published content
   * no longer meets their delegation's keys (after a rotation elsewhere), with
   * the reason. Their earlier targets are dropped, never re-signed unverified.
   */
  readonly restarted = new Map<string, string>();

  /** The role to add targets to: a delegated role whose published copy no longer verifies starts afresh. */
  private async roleToSign(name: string): Promise<Envelope<TargetsJSON>> {
    try {
      return await this.role(name);
    } catch (error) {
      if (name === 'targets' || !(error instanceof VerificationError) || error.code !== 'below-threshold') throw error;
      this.restarted.set(name, error.message);
      return this.resetRole(name);
    }
  }

  /**
   * Whether publish may leave `roleName` unsigned here: only a hand-over role
   * (keys changed, content not edited) for which this machine lacks the keys.
   */
  private async leaveForKeyHolders(roleName: string, delegation: { keys: Record<string, KeyJSON>; role: RoleKeysJSON }, signers: SignerProvider, askFor: string): Promise<boolean> {
    if (!this.handOver.has(roleName)) return false;
    try {
      await availableSigners(roleName, delegation.role, signers, askFor);
      return false;
    } catch (error) {
      if (!(error instanceof UsageError) || error.code !== 'missing-signing-key') throw error;
    }
    const listed = snapshotEntry(this.snapshot.signed.meta, roleName);
    const published = listed ? await this.fetchRole(roleName) : undefined;
    const stillVerifies = published !== undefined && checkThreshold(roleName, published, delegation.keys, delegation.role).met;
    // Top-level targets that no longer verifies would stop every image; a restarted role whose old
    // content verifies under its new keys (the same key re-added) would bring that content back.
    if ((roleName === 'targets' && !stillVerifies) || (stillVerifies && this.wasReset.has(roleName))) return false;
    const count = published ? Object.keys(published.signed.targets).length : 0;
    const message = stillVerifies
      ? `${roleName}: its new key is not on this machine; its published v${listed!.version} still meets its keys and stays until a key holder signs it`
      : `${roleName}: its new key is not on this machine, so it is left for the key holder: its published ${listed ? `v${listed.version} (${count} target(s), signed by keys it no longer trusts) stops verifying` : 'metadata does not exist yet'} until a holder of the new key signs it (\`signet sign --role ${roleName} IMAGE\`, which starts it afresh). For no gap, add the new key with --keep, let its holder sign, then remove the old key.`;
    this.handedOver.push({ role: roleName, stillVerifies, message });
    return true;
  }

  /** Replace root with the next version (already signed by the caller's root keys). */
  setRoot(next: Envelope<RootJSON>): void {
    this.root = next;
    this.pendingRoots.push(next);
  }

  /**
   * Sign and write every changed role: targets roles, snapshot, timestamp,
   * each as its own atomic write, in the order that keeps a consistent-snapshot
   * reader safe at every moment. A replaced root is written last, the roles
   * whose keys it changes being signed by the old keys as well as the new
   * (see root-switch.ts); only when the old keys are unavailable does the root
   * go first, which leaves a short window where verifiers fail (logged). `N.role.json` files are
   * write-once: when version N already exists (left by a crashed or racing
   * publisher), the role skips to the next free version, so no file a reader
   * may have trusted is ever replaced. Returns the timestamp bytes written.
   */
  async publish(options: PublishOptions): Promise<Uint8Array | undefined> {
    const { signers, now } = options;
    const cachedSigners = memoizeSigners(signers);
    let bridge = new Map<string, Signer[]>();
    let rootLast = true;
    if (this.pendingRoots.length > 0) {
      const plan = await planRootSwitch(this.publishedRoot, this.root, cachedSigners);
      // A role whose keys changed must be re-signed, whatever the caller marked.
      for (const role of plan.changed) this.dirty.add(role);
      bridge = plan.bridge;
      rootLast = plan.rootLast;
      if (!rootLast) {
        // Root goes first: make sure the roles after it can be signed, or the repository is left
        // with a root its own timestamp does not satisfy (readers and this writer refuse it).
        for (const role of new Set([...plan.changed, 'snapshot', 'timestamp'])) await availableSigners(role, roleKeys(this.root, role), cachedSigners);
        if (plan.reason) options.log?.(plan.reason);
        await this.putRoots();
      }
    }
    const targetsRoles = [...this.dirty].filter((r) => r !== 'snapshot' && r !== 'timestamp');
    // Targets roles are independent of each other: sign and write them a few
    // at a time (a registry store pays a round trip per put), then snapshot.
    await forEachBounded(targetsRoles, LIMITS.publishConcurrency, async (roleName) => {
      const doc = await this.role(roleName);
      const delegation = roleName === 'targets' ? { keys: this.root.signed.keys, role: roleKeys(this.root, 'targets') } : await this.delegationOf(roleName);
      if (!delegation) throw new UsageError('unknown-role', `role ${roleName} is no longer delegated`);
      const askFor = this.signerRoleFor(roleName, delegation.role);
      if (await this.leaveForKeyHolders(roleName, delegation, cachedSigners, askFor)) {
        this.roles.delete(roleName); // the published copy stays the current one
        return;
      }
      doc.signed.expires = expiryAfter(now, expirySecondsFor(this.root.signed, roleName));
      const extra = roleName === 'targets' ? bridge.get('targets') : undefined;
      const bytes = await this.putNextVersion(roleName, doc, () => signWith(roleName, doc, delegation.role, cachedSigners, askFor, extra));
      // TUF 4.4: pin length and hash, so the targets key alone cannot swap the file in place.
      setSnapshotEntry(this.snapshot.signed.meta, roleName, metaFileFor(doc.signed.version, bytes));
      this.loadedMeta.set(roleName, metaFileFor(doc.signed.version, bytes));
    });
    for (const { message } of this.handedOver) options.log?.(`warning: ${message}`);
    for (const [role, why] of this.restarted) {
      options.log?.(`warning: ${role}: its published content does not meet its current keys (${why}); signing it afresh here: its earlier targets are dropped, re-sign the ones still wanted`);
    }
    if (targetsRoles.length > 0 || this.dirty.has('snapshot')) {
      await this.pinUnpinnedRoles();
      this.snapshot.signed.expires = expiryAfter(now, expirySecondsFor(this.root.signed, 'snapshot'));
      const bytes = await this.putNextVersion('snapshot', this.snapshot, () => signWith('snapshot', this.snapshot, roleKeys(this.root, 'snapshot'), cachedSigners, 'snapshot', bridge.get('snapshot')));
      this.timestamp.signed.meta['snapshot.json'] = { version: this.snapshot.signed.version, length: bytes.length, hashes: { sha256: sha256Hex(bytes) } };
      this.dirty.add('timestamp');
    }
    let written: Uint8Array | undefined;
    if (this.dirty.has('timestamp')) {
      this.timestamp.signed.version += 1;
      this.timestamp.signed.expires = expiryAfter(now, expirySecondsFor(this.root.signed, 'timestamp'));
      await signWith('timestamp', this.timestamp, roleKeys(this.root, 'timestamp'), cachedSigners, 'timestamp', bridge.get('timestamp'));
      written = serialize(this.timestamp);
      await options.beforeCommit?.();
      await this.store.put('timestamp.json', written);
    }
    if (rootLast) await this.putRoots();
    this.dirty.clear();
    return written;
  }

  /**
   * Upgrade a snapshot written before signet pinned hashes: every entry that
   * records only a version gets the length and hash of the file as it loads
   * now (verified by its delegator's keys first). A role that does not load
   * (no longer delegated, below its threshold) keeps its entry as it is.
   */
  private async pinUnpinnedRoles(): Promise<void> {
    const unpinned = Object.entries(this.snapshot.signed.meta).filter(([, meta]) => !pinsBytes(meta));
    await forEachBounded(unpinned, LIMITS.publishConcurrency, async ([file, meta]) => {
      let role: string | undefined;
      for (const name of roleNamesOfSnapshotKey(file)) if (role === undefined && (name === 'targets' || (await this.delegationOf(name)))) role = name;
      if (role === undefined) return;
      try {
        await this.role(role);
      } catch (error) {
        if (error instanceof VerificationError || error instanceof UsageError) return;
        throw error;
      }
      const loaded = this.loadedMeta.get(role);
      if (loaded && loaded.version === meta.version) setSnapshotEntry(this.snapshot.signed.meta, role, loaded);
    });
  }

  /** Write every pending root version, oldest first. */
  private async putRoots(): Promise<void> {
    for (const root of this.pendingRoots) {
      await this.store.put(metadataFileName('root', root.signed.version), serialize(root));
      this.publishedRoot = root;
    }
    this.pendingRoots = [];
  }

  /** Bump `doc` to the next version whose `N.role.json` is still free, sign it, write it once. */
  private async putNextVersion(roleName: string, doc: Envelope<{ version: number }>, sign: () => Promise<void>): Promise<Buffer> {
    for (let skip = 0; skip < LIMITS.maxVersionSkips; skip++) {
      doc.signed.version += 1;
      await sign();
      const bytes = serialize(doc);
      const name = metadataFileName(roleName, doc.signed.version);
      if (!this.store.putNew) {
        await this.store.put(name, bytes);
        return bytes;
      }
      if (await this.store.putNew(name, bytes)) return bytes;
    }
    throw new InconclusiveError('versions-taken', `${roleName} versions up to ${doc.signed.version} already exist in ${this.store.location}; another publisher may be misbehaving`);
  }

  /** The delegation (keys and role entry) that trusts `name`, searching from targets. */
  async delegationOf(name: string): Promise<{ keys: Record<string, KeyJSON>; role: RoleKeysJSON; entry?: DelegatedRoleJSON } | undefined> {
    const queue = ['targets'];
    const seen = new Set<string>();
    while (queue.length > 0 && seen.size < LIMITS.maxDelegations) {
      const current = queue.shift()!;
      if (seen.has(current)) continue;
      seen.add(current);
      const doc = current === 'targets' ? this.targets : this.roles.get(current) ?? (await this.tryLoad(current));
      const delegations = doc?.signed.delegations;
      if (!delegations) continue;
      if (delegations.succinct_roles && isBinRole(delegations.succinct_roles, name)) {
        return { keys: delegations.keys, role: delegations.succinct_roles };
      }
      for (const entry of delegations.roles ?? []) {
        if (entry.name === name) return { keys: delegations.keys, role: entry, entry };
        queue.push(entry.name);
      }
    }
    return undefined;
  }

  /**
   * The role name a SignerProvider is asked for when signing `roleName`:
   * bins signed by the targets keys (the default layout) ask for `targets`,
   * other bins for their name prefix, so a publish touching 500 bins asks
   * for (and unlocks) their key once.
   */
  private signerRoleFor(roleName: string, keys: RoleKeysJSON): string {
    const succinct = this.targets.signed.delegations?.succinct_roles;
    if (!succinct || !isBinRole(succinct, roleName)) return roleName;
    const targetsKeys = roleKeys(this.root, 'targets').keyids;
    const same = keys.keyids.length === targetsKeys.length && keys.keyids.every((id) => targetsKeys.includes(id));
    return same ? 'targets' : succinct.name_prefix;
  }

  private async tryLoad(name: string): Promise<Envelope<TargetsJSON> | undefined> {
    if (!snapshotEntry(this.snapshot.signed.meta, name)) return undefined;
    return this.role(name);
  }

  private async fetchRole(name: string): Promise<Envelope<TargetsJSON>> {
    const meta = snapshotEntry(this.snapshot.signed.meta, name);
    if (!meta) throw new VerificationError('metadata-format', `snapshot does not list ${name}.json`);
    const fileName = metadataFileName(name, meta.version);
    // Bounded by the length the snapshot pins, when it pins one (a huge forged file fails before parsing).
    const bytes = await requireFile(this.store, fileName, pinsBytes(meta) ? Math.min(meta.length!, LIMITS.targetsBytes) : LIMITS.targetsBytes);
    // The writer refuses a role file that does not match its snapshot entry, as verifiers do.
    checkMetaFile(name, meta, bytes);
    const envelope = parseEnvelope<TargetsJSON>(bytes, 'targets', fileName);
    checkVersion(name, envelope.signed.version, meta.version);
    this.loadedMeta.set(name, metaFileFor(meta.version, bytes));
    return envelope;
  }
}
