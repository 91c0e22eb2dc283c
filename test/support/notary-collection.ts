// Builds a Notary v1 collection with the real `notary` CLI for tests: tags in
// `targets`, a `targets/releases` delegation (openssl key + certificate) with
// its own tags, and the snapshot key rotated to the server.

import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate, type NotaryCli } from './notary-server.js';

export interface PublishedTag {
  tag: string;
  sha256: string;
  size: number;
}

export interface BuiltCollection {
  gun: string;
  /** Canonical id of the root key, as `notary key list` prints it. */
  rootKeyId: string;
  /** PEM of the root certificate, as root.json embeds it. */
  rootCertificatePem: string;
}

export interface CollectionPlan {
  targets: PublishedTag[];
  releases?: PublishedTag[];
  /** Rotate the snapshot key to the server (`notary key rotate GUN snapshot -r`). */
  serverSnapshot?: boolean;
  /** Skip `notary list` (it reads anonymously, which token-auth servers refuse). */
  noRefresh?: boolean;
}

export async function buildCollection(cli: NotaryCli, gun: string, plan: CollectionPlan): Promise<BuiltCollection> {
  await cli.run('init', gun);
  for (const t of plan.targets) await cli.run('addhash', gun, t.tag, String(t.size), '--sha256', t.sha256);
  await cli.run('publish', gun);
  if (plan.releases) {
    const dir = await mkdtemp(join(tmpdir(), 'signet-notary-delegation-'));
    const { keyFile, certFile } = await selfSignedCertificate(dir, 'releases', 'releases-signer');
    await cli.run('key', 'import', keyFile, '--role', 'targets/releases');
    await cli.run('delegation', 'add', gun, 'targets/releases', certFile, '--all-paths');
    await cli.run('publish', gun);
    for (const t of plan.releases) await cli.run('addhash', gun, t.tag, String(t.size), '--sha256', t.sha256, '--roles', 'targets/releases');
    await cli.run('publish', gun);
  }
  if (plan.serverSnapshot) await cli.run('key', 'rotate', gun, 'snapshot', '-r');
  // Refresh the client's cached copy of the collection.
  if (!plan.noRefresh) await cli.run('list', gun);
  const keys = await cli.run('key', 'list');
  const rootKeyId = /^root\s+([0-9a-f]{64})/m.exec(keys)?.[1];
  if (!rootKeyId) throw new Error(`no root key in notary key list output:\n${keys}`);
  return { gun, rootKeyId, rootCertificatePem: await rootCertificate(metadataDir(cli.trustDir, gun)) };
}

export function metadataDir(trustDir: string, gun: string): string {
  return join(trustDir, 'tuf', ...gun.split('/'), 'metadata');
}

/** Copy a collection's cached metadata into a fresh trust dir under `gun`, to tamper with it. */
export async function copyCollection(trustDir: string, fromGun: string, toGun = fromGun): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'signet-notary-copy-'));
  await cp(metadataDir(trustDir, fromGun), metadataDir(dir, toGun), { recursive: true });
  return dir;
}

async function rootCertificate(dir: string): Promise<string> {
  const root = JSON.parse(await readFile(join(dir, 'root.json'), 'utf8')) as {
    signed: { keys: Record<string, { keytype: string; keyval: { public: string } }>; roles: { root: { keyids: string[] } } };
  };
  const id = root.signed.roles.root.keyids[0] as string;
  return Buffer.from(root.signed.keys[id]!.keyval.public, 'base64').toString('utf8');
}

/** A deterministic fake tag (digest of a label). */
export function fakeTag(tag: string, label: string, size: number): PublishedTag {
  return { tag, sha256: createHash('sha256').update(label).digest('hex'), size };
}
