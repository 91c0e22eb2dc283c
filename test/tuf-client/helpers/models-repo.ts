// A TUF repository written with @tufjs/models directly (not signet's writer):
// Metadata/Root/Targets/Snapshot/Timestamp signed through a callback, with a
// delegated role, root rotation, consistent snapshots on or off, and any key
// type. Files land in <dir>/metadata and <dir>/targets, ready to be served.

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { Key, MetaFile, Metadata, Root, Signature, Snapshot, TargetFile, Targets, Timestamp } from '@tufjs/models';
import { generateTestKey, type KeyKind, type TestKey } from './test-keys.js';

export interface ModelsRepoOptions {
  keyKind: KeyKind;
  consistentSnapshot: boolean;
  /** Hash algorithms recorded for targets (default sha256 and sha512). */
  hashAlgorithms?: string[];
}

const DELEGATE = 'team-a';
const DELEGATED_PATHS = ['team-a/*', 'team-a/*/*'];

export class ModelsRepo {
  readonly dir: string;
  readonly metadataDir: string;
  readonly targetsDir: string;
  readonly options: ModelsRepoOptions;
  readonly keys: Record<'root' | 'targets' | 'snapshot' | 'timestamp' | 'delegate', TestKey>;
  /** Target name → bytes, per role. */
  readonly files = { targets: new Map<string, Buffer>(), [DELEGATE]: new Map<string, Buffer>() } as Record<string, Map<string, Buffer>>;
  rootVersion = 1;
  private versions = { targets: 0, delegate: 0, snapshot: 0, timestamp: 0 };
  /** Expiry written into every role published from now on. */
  expires = new Date(Date.now() + 30 * 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  /** Bytes of each published root version. */
  readonly roots = new Map<number, Buffer>();

  static readonly delegate = DELEGATE;

  constructor(dir: string, options: ModelsRepoOptions) {
    this.dir = dir;
    this.metadataDir = join(dir, 'metadata');
    this.targetsDir = join(dir, 'targets');
    this.options = options;
    const make = () => generateTestKey(options.keyKind);
    this.keys = { root: make(), targets: make(), snapshot: make(), timestamp: make(), delegate: make() };
  }

  /** Write root v1 and a first snapshot of everything. */
  async init(): Promise<void> {
    await fs.mkdir(this.metadataDir, { recursive: true });
    await fs.mkdir(this.targetsDir, { recursive: true });
    await this.writeRoot([this.keys.root]);
    await this.publish();
  }

  /** The trusted root a client starts from (v1). */
  get root1(): Buffer {
    return this.roots.get(1)!;
  }

  addTarget(name: string, bytes: Buffer, role: 'targets' | typeof DELEGATE = 'targets'): void {
    this.files[role]!.set(name, bytes);
  }

  /** Rotate the root key (and optionally the timestamp key): root v(N+1) signed by the old and new root keys. */
  async rotateRoot(options: { timestampKey?: boolean } = {}): Promise<void> {
    const old = this.keys.root;
    this.keys.root = generateTestKey(this.options.keyKind);
    if (options.timestampKey) this.keys.timestamp = generateTestKey(this.options.keyKind);
    this.rootVersion += 1;
    await this.writeRoot([old, this.keys.root]);
  }

  /** Sign and write delegated targets, targets, snapshot and timestamp (new versions), plus target files. */
  async publish(): Promise<void> {
    const delegate = this.signed(new Targets({ ...this.common(++this.versions.delegate), targets: this.targetFiles(DELEGATE) }), [this.keys.delegate]);
    // Delegations are not exported by @tufjs/models' index: build them through Targets.fromJSON.
    const targetsModel = Targets.fromJSON({
      ...new Targets({ ...this.common(++this.versions.targets), targets: this.targetFiles('targets') }).toJSON(),
      delegations: {
        keys: { [this.keys.delegate.keyid]: this.keys.delegate.json },
        roles: [{ name: DELEGATE, keyids: [this.keys.delegate.keyid], threshold: 1, terminating: true, paths: DELEGATED_PATHS }],
      },
    });
    const targets = this.signed(targetsModel, [this.keys.targets]);
    await this.writeMetadata(DELEGATE, this.versions.delegate, delegate);
    await this.writeMetadata('targets', this.versions.targets, targets);
    const snapshot = this.signed(
      new Snapshot({
        ...this.common(++this.versions.snapshot),
        meta: {
          'targets.json': new MetaFile({ version: this.versions.targets }),
          [`${DELEGATE}.json`]: new MetaFile({ version: this.versions.delegate }),
        },
      }),
      [this.keys.snapshot],
    );
    await this.writeMetadata('snapshot', this.versions.snapshot, snapshot);
    const timestamp = this.signed(
      new Timestamp({
        ...this.common(++this.versions.timestamp),
        snapshotMeta: new MetaFile({ version: this.versions.snapshot, length: snapshot.length, hashes: { sha256: sha('sha256', snapshot) } }),
      }),
      [this.keys.timestamp],
    );
    await fs.writeFile(join(this.metadataDir, 'timestamp.json'), timestamp);
    for (const map of Object.values(this.files)) for (const [name, bytes] of map) await this.writeTargetFile(name, bytes);
  }

  /** The path(s) a target is served under: `<hash>.<base>` for every hash with consistent snapshots. */
  targetPaths(name: string): string[] {
    if (!this.options.consistentSnapshot) return [join(this.targetsDir, name)];
    const bytes = [...Object.values(this.files)].find((m) => m.has(name))!.get(name)!;
    return this.algorithms().map((alg) => join(this.targetsDir, dirname(name), `${sha(alg, bytes)}.${name.split('/').pop()!}`));
  }

  private async writeTargetFile(name: string, bytes: Buffer): Promise<void> {
    for (const path of this.targetPaths(name)) {
      await fs.mkdir(dirname(path), { recursive: true });
      await fs.writeFile(path, bytes);
    }
  }

  private async writeRoot(signers: TestKey[]): Promise<void> {
    const root = new Root({ ...this.common(this.rootVersion), consistentSnapshot: this.options.consistentSnapshot });
    root.addKey(this.key(this.keys.root), 'root');
    root.addKey(this.key(this.keys.targets), 'targets');
    root.addKey(this.key(this.keys.snapshot), 'snapshot');
    root.addKey(this.key(this.keys.timestamp), 'timestamp');
    const bytes = this.signed(root, signers);
    this.roots.set(this.rootVersion, bytes);
    await fs.writeFile(join(this.metadataDir, `${this.rootVersion}.root.json`), bytes);
    if (!this.options.consistentSnapshot) await fs.writeFile(join(this.metadataDir, 'root.json'), bytes);
  }

  private async writeMetadata(role: string, version: number, bytes: Buffer): Promise<void> {
    const name = this.options.consistentSnapshot ? `${version}.${role}.json` : `${role}.json`;
    await fs.writeFile(join(this.metadataDir, name), bytes);
  }

  private targetFiles(role: string): Record<string, TargetFile> {
    const out: Record<string, TargetFile> = {};
    for (const [name, bytes] of this.files[role]!) {
      const hashes = Object.fromEntries(this.algorithms().map((alg) => [alg, sha(alg, bytes)]));
      out[name] = new TargetFile({ path: name, length: bytes.length, hashes });
    }
    return out;
  }

  private algorithms(): string[] {
    return this.options.hashAlgorithms ?? ['sha256', 'sha512'];
  }

  private common(version: number) {
    return { version, specVersion: '1.0.31', expires: this.expires };
  }

  private key(key: TestKey): Key {
    return Key.fromJSON(key.keyid, key.json);
  }

  /** Sign with each key through the models' signing callback; the served bytes. */
  private signed(signed: Root | Targets | Snapshot | Timestamp, keys: TestKey[]): Buffer {
    const metadata = new Metadata(signed);
    for (const key of keys) metadata.sign((data) => new Signature({ keyID: key.keyid, sig: key.sign(data) }), true);
    return Buffer.from(JSON.stringify(metadata.toJSON(), null, 1));
  }
}

export function sha(alg: string, bytes: Uint8Array): string {
  return createHash(alg).update(bytes).digest('hex');
}
