// The one state machine that owns trust in a Notary v1 collection. It takes
// bytes, verifies them in Notary's dialect and refuses out-of-order loads:
// root(s) → timestamp → snapshot → targets → delegations. It does no I/O.

import { createHash } from 'node:crypto';
import { VerificationError } from '../errors.js';
import { LIMITS } from '../limits.js';
import {
  parseNotaryEnvelope,
  parseNotaryTime,
  type NotaryDelegationJSON,
  type NotaryEnvelope,
  type NotaryFileMetaJSON,
  type NotaryRootJSON,
  type NotarySnapshotJSON,
  type NotaryTargetsJSON,
  type NotaryTimestampJSON,
} from './notary-metadata.js';
import type { NotaryPin } from './notary-pin.js';
import { verifyBootstrapRoot, verifyRotatedRoot } from './notary-root.js';
import { requireNotaryThreshold, roleKeysOf } from './notary-signatures.js';
import { isNotaryDelegationName, parentRoleOf } from './notary-role-names.js';

/** A verified targets role (top-level or delegated). */
export interface TrustedTargetsRole {
  name: string;
  envelope: NotaryEnvelope<NotaryTargetsJSON>;
  /** Key ids with a valid signature on it. */
  signers: string[];
  /** Path-prefix lists of this role and each delegating ancestor; a target must match every list. */
  pathChain: string[][];
}

/** Versions trusted in an earlier run, to catch rollback across runs (notary's minimum versions). */
export interface NotaryPreviousVersions {
  root?: number;
  timestamp?: number;
  snapshot?: number;
  /** `targets` and every delegated role, by name. */
  roles?: ReadonlyMap<string, number>;
}

export class NotaryTrustedSet {
  readonly gun: string;
  private readonly pin: NotaryPin;
  private readonly now: Date;
  private previous: NotaryPreviousVersions;
  private anchorIds?: string[];
  private rootEnvelope?: NotaryEnvelope<NotaryRootJSON>;
  private rootBytes?: Uint8Array;
  private rootSigners: string[] = [];
  private timestampEnvelope?: NotaryEnvelope<NotaryTimestampJSON>;
  private snapshotEnvelope?: NotaryEnvelope<NotarySnapshotJSON>;
  private readonly roles = new Map<string, TrustedTargetsRole>();

  /** `now` is the reference time of the whole operation. */
  constructor(gun: string, pin: NotaryPin, now: Date, previous: NotaryPreviousVersions = {}) {
    this.gun = gun;
    this.pin = pin;
    this.now = now;
    this.previous = previous;
  }

  get root(): NotaryEnvelope<NotaryRootJSON> {
    return this.require(this.rootEnvelope, 'root');
  }
  get rootSignerIds(): readonly string[] {
    return this.rootSigners;
  }
  get timestamp(): NotaryEnvelope<NotaryTimestampJSON> {
    return this.require(this.timestampEnvelope, 'timestamp');
  }
  get snapshot(): NotaryEnvelope<NotarySnapshotJSON> {
    return this.require(this.snapshotEnvelope, 'snapshot');
  }
  /** Verified targets roles, in load order. */
  get targetsRoles(): ReadonlyMap<string, TrustedTargetsRole> {
    return this.roles;
  }

  /**
   * What the pin anchors: the sorted canonical ids of the first root's keys
   * that matched it. Known once the first root is loaded; it names the
   * collection's remembered state (with the GUN), whatever serves it.
   */
  get anchor(): string {
    return this.require(this.anchorIds, 'root').join(',');
  }

  /**
   * Set the versions trusted in earlier runs, once the anchor is known and
   * before the timestamp is loaded (the final root is checked against them then).
   */
  recall(previous: NotaryPreviousVersions): void {
    if (this.timestampEnvelope) this.outOfOrder('remembered versions', 'the timestamp was loaded');
    this.previous = previous;
  }

  /** The versions this set trusts now, to remember for the next run. */
  versions(): Required<NotaryPreviousVersions> {
    return {
      root: this.root.signed.version,
      timestamp: this.timestamp.signed.version,
      snapshot: this.snapshot.signed.version,
      roles: new Map([...this.roles].map(([name, role]) => [name, role.envelope.signed.version])),
    };
  }

  /**
   * The first call verifies against the pin; each later call is a root
   * rotation. `expectedVersion` is the N of an `N.root.json` request.
   */
  loadRoot(bytes: Uint8Array, expectedVersion?: number): NotaryEnvelope<NotaryRootJSON> {
    if (this.timestampEnvelope) this.outOfOrder('root', 'the timestamp was loaded');
    const envelope = parseNotaryEnvelope<NotaryRootJSON>(bytes, 'Root', `root of ${this.gun}`);
    if (expectedVersion !== undefined && envelope.signed.version !== expectedVersion) {
      throw new VerificationError('notary-version-mismatch', `${expectedVersion}.root.json of ${this.gun} holds root version ${envelope.signed.version}`);
    }
    if (this.rootEnvelope) {
      this.rootSigners = verifyRotatedRoot(this.rootEnvelope.signed, envelope, this.gun, this.now);
    } else {
      const bootstrap = verifyBootstrapRoot(envelope, this.gun, this.pin, this.now);
      this.rootSigners = bootstrap.signers;
      this.anchorIds = bootstrap.anchor;
    }
    this.rootEnvelope = envelope;
    this.rootBytes = bytes;
    return envelope;
  }

  loadTimestamp(bytes: Uint8Array): NotaryEnvelope<NotaryTimestampJSON> {
    const root = this.require(this.rootEnvelope, 'root');
    if (this.timestampEnvelope) this.outOfOrder('timestamp', 'a timestamp was already loaded');
    // The final root must not be older than a root trusted before (TUF 5.3.5;
    // notary's builder loads root with the cached version as its minimum),
    // nor have expired (TUF 5.3.10).
    this.checkRollback('root', root.signed.version, this.previous.root);
    this.checkExpiry('root', root.signed.expires);
    const envelope = parseNotaryEnvelope<NotaryTimestampJSON>(bytes, 'Timestamp', `timestamp of ${this.gun}`);
    this.checkSigned('timestamp', envelope);
    this.checkRollback('timestamp', envelope.signed.version, this.previous.timestamp);
    this.checkExpiry('timestamp', envelope.signed.expires);
    if (!Object.hasOwn(envelope.signed.meta, 'snapshot')) throw this.formatError('timestamp does not list the snapshot');
    this.timestampEnvelope = envelope;
    return envelope;
  }

  loadSnapshot(bytes: Uint8Array): NotaryEnvelope<NotarySnapshotJSON> {
    const timestamp = this.require(this.timestampEnvelope, 'timestamp');
    if (this.snapshotEnvelope) this.outOfOrder('snapshot', 'a snapshot was already loaded');
    checkFileMeta(`snapshot of ${this.gun}`, timestamp.signed.meta['snapshot'] as NotaryFileMetaJSON, bytes);
    const envelope = parseNotaryEnvelope<NotarySnapshotJSON>(bytes, 'Snapshot', `snapshot of ${this.gun}`);
    this.checkSigned('snapshot', envelope);
    this.checkRollback('snapshot', envelope.signed.version, this.previous.snapshot);
    this.checkExpiry('snapshot', envelope.signed.expires);
    if (!Object.hasOwn(envelope.signed.meta, 'targets')) throw this.formatError('snapshot does not list targets');
    // Mix-and-match: the root we trust must be the one the snapshot names.
    if (Object.hasOwn(envelope.signed.meta, 'root') && this.rootBytes) {
      checkFileMeta(`root of ${this.gun} (as the snapshot records it)`, envelope.signed.meta['root'] as NotaryFileMetaJSON, this.rootBytes);
    }
    this.snapshotEnvelope = envelope;
    return envelope;
  }

  /** What the snapshot (or, for the snapshot, the timestamp) records for `role`: length and hashes. */
  expectedFile(role: string): NotaryFileMetaJSON | undefined {
    if (role === 'snapshot') return this.timestampEnvelope?.signed.meta['snapshot'];
    const meta = this.snapshotEnvelope?.signed.meta;
    return meta && Object.hasOwn(meta, role) ? meta[role] : undefined;
  }

  /**
   * Load `targets` or a delegated role `targets/…`. Its parent must be loaded
   * and delegate it; its bytes must match the snapshot; it must be signed by
   * a threshold of the keys its parent names, and not be expired.
   */
  loadTargets(name: string, bytes: Uint8Array): TrustedTargetsRole {
    const root = this.require(this.rootEnvelope, 'root');
    this.require(this.snapshotEnvelope, 'snapshot');
    if (this.roles.has(name)) this.outOfOrder(name, `${name} was already loaded`);
    if (this.roles.size >= LIMITS.notaryMaxRoles) {
      throw new VerificationError('notary-too-many-roles', `${this.gun} has more than ${LIMITS.notaryMaxRoles} targets roles; refusing to load more`);
    }
    let keys;
    let pathChain: string[][] = [];
    if (name === 'targets') {
      const entry = Object.hasOwn(root.signed.roles, 'targets') ? root.signed.roles['targets'] : undefined;
      if (!entry) throw this.formatError('root does not define the targets role');
      keys = roleKeysOf('targets', entry.keyids, root.signed.keys, entry.threshold);
    } else {
      const parentName = parentRoleOf(name);
      const parent = this.roles.get(parentName);
      if (!parent) this.outOfOrder(name, `its parent ${parentName || '(none)'} is not loaded`);
      const delegation = this.delegationsOf(parentName).find((d) => d.name === name);
      if (!delegation) throw new VerificationError('notary-not-delegated', `${parentName} of ${this.gun} does not delegate ${name}`);
      keys = roleKeysOf(name, delegation.keyids, parent!.envelope.signed.delegations?.keys ?? {}, delegation.threshold);
      pathChain = [...parent!.pathChain, delegation.paths ?? []];
    }
    const meta = this.expectedFile(name);
    if (!meta) throw new VerificationError('notary-not-in-snapshot', `snapshot of ${this.gun} does not list ${name}`);
    checkFileMeta(`${name} of ${this.gun}`, meta, bytes);
    const envelope = parseNotaryEnvelope<NotaryTargetsJSON>(bytes, 'Targets', `${name} of ${this.gun}`);
    this.checkDelegationNames(name, envelope.signed);
    const signers = requireNotaryThreshold(envelope, keys, this.gun);
    // TUF 5.6.5: a targets role older than the one trusted before brings back removed tags.
    this.checkRollback(name, envelope.signed.version, this.previous.roles?.get(name));
    this.checkExpiry(name, envelope.signed.expires);
    const role: TrustedTargetsRole = { name, envelope, signers, pathChain };
    this.roles.set(name, role);
    return role;
  }

  /**
   * The roles `parent` delegates that Notary would follow: direct children
   * (`<parent>/<x>`) with a positive threshold, at most LIMITS.maxDelegations.
   */
  delegationsOf(parent: string): NotaryDelegationJSON[] {
    const roles = this.roles.get(parent)?.envelope.signed.delegations?.roles ?? [];
    return roles
      .filter((d) => d.name.startsWith(`${parent}/`) && !d.name.slice(parent.length + 1).includes('/') && d.threshold >= 1)
      .slice(0, LIMITS.maxDelegations);
  }

  /** True when a target `name` signed by `role` is within the paths of the role and of every ancestor. */
  allows(role: TrustedTargetsRole, name: string): boolean {
    return role.pathChain.every((paths) => paths.some((prefix) => name.startsWith(prefix)));
  }

  /**
   * Notary refuses a targets role that delegates to a name it does not accept
   * or to a role that is not its direct child (tuf/data isValidTargetsStructure).
   */
  private checkDelegationNames(role: string, signed: NotaryTargetsJSON): void {
    for (const delegation of signed.delegations?.roles ?? []) {
      if (!isNotaryDelegationName(delegation.name) || parentRoleOf(delegation.name) !== role) {
        throw new VerificationError(
          'notary-bad-delegation',
          `${role} of ${this.gun} delegates to ${JSON.stringify(delegation.name)}, which is not a valid Notary delegation of ${role}` +
            ` (${role}/<name>, lowercase letters, digits, - _ and /); notary refuses such metadata too`,
        );
      }
    }
  }

  private checkSigned(role: 'timestamp' | 'snapshot', envelope: NotaryEnvelope<unknown>): void {
    const root = this.root.signed;
    const entry = Object.hasOwn(root.roles, role) ? root.roles[role] : undefined;
    if (!entry) throw this.formatError(`root does not define the ${role} role`);
    requireNotaryThreshold(envelope, roleKeysOf(role, entry.keyids, root.keys, entry.threshold), this.gun);
  }

  private checkExpiry(role: string, expires: string): void {
    const at = parseNotaryTime(expires);
    if (at === undefined || at <= this.now.getTime()) {
      const hint = role === 'timestamp' ? 'the Notary server re-signs the timestamp when someone publishes; ask its operator' : `re-sign ${role} with \`notary publish\``;
      throw new VerificationError('notary-expired', `${role} of ${this.gun} expired at ${expires} (now ${this.now.toISOString()}); ${hint}`);
    }
  }

  private checkRollback(role: string, version: number, previous: number | undefined): void {
    if (previous !== undefined && version < previous) {
      throw new VerificationError(
        'notary-rollback',
        `${role} of ${this.gun} is version ${version}, older than the version ${previous} trusted before (rollback);` +
          ' the source serves old trust data (a stale local trust directory is refreshed by `notary list <gun>`)',
      );
    }
  }

  private require<T>(value: T | undefined, role: string): T {
    if (value === undefined) this.outOfOrder(role, `${role} is not loaded yet`);
    return value as T;
  }

  private outOfOrder(role: string, why: string): never {
    throw new VerificationError('notary-out-of-order', `cannot load ${role} of ${this.gun}: ${why}`);
  }

  private formatError(message: string): VerificationError {
    return new VerificationError('notary-format', `${this.gun}: ${message}`);
  }
}

/**
 * `bytes` must have the recorded length and every recorded sha256/sha512
 * (base64); at least one of them must be recorded.
 */
export function checkFileMeta(what: string, meta: NotaryFileMetaJSON, bytes: Uint8Array): void {
  if (meta.length !== bytes.length) {
    throw new VerificationError('notary-length-mismatch', `${what} is ${bytes.length} bytes, but ${meta.length} were signed for`);
  }
  let checked = 0;
  for (const algorithm of ['sha256', 'sha512'] as const) {
    if (!Object.hasOwn(meta.hashes, algorithm)) continue;
    const expected = Buffer.from(meta.hashes[algorithm] as string, 'base64');
    const actual = createHash(algorithm).update(bytes).digest();
    if (!actual.equals(expected)) {
      throw new VerificationError('notary-hash-mismatch', `${what} does not match the ${algorithm} signed for it (tampered or mixed from another version)`);
    }
    checked++;
  }
  if (checked === 0) throw new VerificationError('notary-no-hash', `${what} is recorded without a sha256 or sha512 hash`);
}
