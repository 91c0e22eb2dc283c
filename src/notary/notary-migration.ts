// Carries the tags of a verified Notary v1 collection into a signet trust
// repository: a plan (what would be imported, what is refused and why), then
// one publish that adds a tag target and a digest target per tag, with the
// Notary provenance in each target's `custom`.

import type { TargetEntry, TrustRepository } from '../trust/trust-repository.js';
import { type PublishOptions } from '../trust/trust-repository.js';
import { updateRepository } from '../trust/update-repository.js';
import type { MetadataStore } from '../store/metadata-store.js';
import type { Envelope, RootJSON } from '../metadata/types.js';
import { checkName } from '../image/image-reference.js';
import { dockerTags, type NotaryTag, type NotaryTagProblem } from './docker-tags.js';
import type { NotaryCollection } from './notary-client.js';

/** What an image source says a tag names now. */
export interface CurrentImage {
  digest: string;
  size: number;
  /** What signet records for the manifest (media type, an index's platforms). */
  custom?: Record<string, unknown>;
  /** For an index: its platform manifests, signed as digest targets too (as `signet sign` does). */
  children?: Array<{ digest: string; size: number; custom: Record<string, unknown> }>;
}

/**
 * Resolves `tag` in the image repository the collection covers: the current
 * manifest, or undefined when the tag no longer exists. Throws
 * InconclusiveError when the registry cannot be reached.
 */
export type TagResolver = (tag: string) => Promise<CurrentImage | undefined>;

export type MigrationStatus = 'import' | 'digest-changed' | 'tag-missing';

export interface MigrationItem extends NotaryTag {
  status: MigrationStatus;
  /** Target names the item becomes (tag target, digest target). */
  targets: string[];
  /** Why it is not imported, or what the registry holds now. */
  detail?: string;
  /** From the registry check: media type and platforms, kept in the target's custom. */
  custom?: Record<string, unknown>;
  /** From the registry check: an index's platform manifests. */
  children?: CurrentImage['children'];
}

export interface NotaryMigrationPlan {
  gun: string;
  /** The image repository name targets use (the GUN without its registry host). */
  name: string;
  source: string;
  rootVersion: number;
  timestampVersion: number;
  items: MigrationItem[];
  /** Tags Docker would not trust (other delegations, outside paths, no sha256). */
  ignored: NotaryTagProblem[];
  /** Delegated roles that failed verification. */
  skippedRoles: NotaryCollection['skippedRoles'];
  /** Whether each tag was compared with what the registry serves now. */
  registryCheck: 'checked' | 'skipped';
}

const REGISTRY_HOST = /[.:]|^localhost$/;

/** `registry.example.com:5000/team/app` → `team/app`; a GUN without a host is kept as is. */
export function repositoryNameOf(gun: string): string {
  const slash = gun.indexOf('/');
  if (slash > 0 && REGISTRY_HOST.test(gun.slice(0, slash))) return gun.slice(slash + 1);
  return gun;
}

export interface PlanOptions {
  /** Override the repository name used in target names. */
  name?: string;
  /** Compare each tag with the registry; without it the check is reported as skipped. */
  resolveTag?: TagResolver;
  /** Also import tags that only delegations other than targets/releases sign. */
  allRoles?: boolean;
}

export async function planNotaryMigration(collection: NotaryCollection, options: PlanOptions = {}): Promise<NotaryMigrationPlan> {
  const name = options.name ?? repositoryNameOf(collection.gun);
  checkName(name, collection.gun);
  const view = dockerTags(collection.trusted, { allRoles: options.allRoles === true });
  const items: MigrationItem[] = [];
  for (const tag of view.tags) {
    const item: MigrationItem = { ...tag, status: 'import', targets: [`${name}:${tag.tag}`, `${name}@${tag.digest}`] };
    if (options.resolveTag) {
      const current = await options.resolveTag(tag.tag);
      if (!current) {
        item.status = 'tag-missing';
        item.detail = 'the tag no longer exists in the registry';
      } else if (current.digest !== tag.digest || current.size !== tag.size) {
        item.status = 'digest-changed';
        item.detail = `the registry now serves ${current.digest} (${current.size} bytes), Notary signed ${tag.digest} (${tag.size} bytes)`;
      } else {
        if (current.custom) item.custom = current.custom;
        if (current.children && current.children.length > 0) {
          item.children = current.children;
          item.targets.push(...current.children.map((c) => `${name}@${c.digest}`));
        }
      }
    }
    items.push(item);
  }
  return {
    gun: collection.gun,
    name,
    source: collection.location,
    rootVersion: collection.trusted.root.signed.version,
    timestampVersion: collection.trusted.timestamp.signed.version,
    items,
    ignored: view.ignored,
    skippedRoles: collection.skippedRoles,
    registryCheck: options.resolveTag ? 'checked' : 'skipped',
  };
}

/** The signet targets one imported item becomes. */
export function targetsForItem(plan: NotaryMigrationPlan, item: MigrationItem, migratedAt: Date): TargetEntry[] {
  const custom: Record<string, unknown> = {
    ...item.custom,
    notary: {
      gun: plan.gun,
      tag: item.tag,
      role: item.role,
      signers: item.signers,
      roleVersion: item.roleVersion,
      rootVersion: plan.rootVersion,
      timestampVersion: plan.timestampVersion,
      migratedAt: migratedAt.toISOString(),
      registryCheck: plan.registryCheck,
    },
  };
  const sha256 = item.digest.slice('sha256:'.length);
  const own = [`${plan.name}:${item.tag}`, `${plan.name}@${item.digest}`];
  const entries: TargetEntry[] = own.map((name) => ({ name, length: item.size, sha256, custom }));
  // An index's platform manifests: the index (already checked) vouches for them.
  for (const child of item.children ?? []) {
    entries.push({ name: `${plan.name}@${child.digest}`, length: child.size, sha256: child.digest.slice('sha256:'.length), custom: { ...child.custom, index: item.digest, notary: custom['notary'] } });
  }
  return entries;
}

export interface MigrationResult {
  /** Target names added or replaced. */
  imported: string[];
  /** Items left out (digest changed, tag missing). */
  refused: MigrationItem[];
}

/** Add every `import` item of the plan to `repo` (in `role`, default: where the repository puts it). */
export async function addMigratedTargets(repo: TrustRepository, plan: NotaryMigrationPlan, now: Date, role?: string): Promise<MigrationResult> {
  const imported: string[] = [];
  for (const item of plan.items) {
    if (item.status !== 'import') continue;
    for (const entry of targetsForItem(plan, item, now)) {
      await repo.addTarget(entry, role);
      imported.push(entry.name);
    }
  }
  return { imported, refused: plan.items.filter((i) => i.status !== 'import') };
}

/** One locked load → add → publish of the signet trust repository in `store`. */
export async function applyNotaryMigration(
  plan: NotaryMigrationPlan,
  store: MetadataStore,
  pinned: Envelope<RootJSON>,
  options: PublishOptions & { role?: string },
): Promise<MigrationResult> {
  return updateRepository(store, pinned, options, (repo) => addMigratedTargets(repo, plan, options.now, options.role));
}
