// `signet migrate notary <gun>`: verify a Notary v1 collection, plan the
// import (optionally comparing every tag with the image it names now), then
// sign the trusted tags into a signet trust repository in one publish.

import { openImageSource } from '../image/image-source.js';
import { childManifests, targetCustom } from '../image/manifest.js';
import { SignetError } from '../errors.js';
import {
  applyNotaryMigration,
  planNotaryMigration,
  repositoryNameOf,
  type MigrationResult,
  type NotaryMigrationPlan,
  type PlanOptions,
  type TagResolver,
} from '../notary/notary-migration.js';
import { openNotaryCollection, type NotarySourceOptions } from './notary-source.js';
import { resolveTrust, type TrustOptions } from './resolve-trust.js';
import { parseReferences } from './references.js';
import { publishMemoryFor, type SignetContext } from './context.js';

export interface MigrateNotaryOptions extends NotarySourceOptions, TrustOptions {
  /** Repository name in target names (default: the GUN without its registry host). */
  name?: string;
  /** Print the plan, change nothing. */
  dryRun?: boolean;
  /**
   * The image repository to compare tags with, e.g. `oci-layout:./app` or
   * `registry.example.com/team/app`; each tag is resolved as `<ref>:<tag>`.
   */
  checkImage?: string;
  /** Sign into this delegated role instead of targets. */
  role?: string;
  /** Also import tags signed only by delegations Docker does not read. */
  allRoles?: boolean;
}

export interface MigrateNotaryReport {
  plan: NotaryMigrationPlan;
  dryRun: boolean;
  /** Absent on a dry run. */
  result?: MigrationResult;
  trustRepository?: string;
}

export async function migrateNotary(gun: string, options: MigrateNotaryOptions, ctx: SignetContext): Promise<MigrateNotaryReport> {
  const collection = await openNotaryCollection(gun, options, ctx);
  const planOptions: PlanOptions = {};
  if (options.name) planOptions.name = options.name;
  if (options.allRoles) planOptions.allRoles = true;
  if (options.checkImage) planOptions.resolveTag = imageResolver(options.checkImage, options.name ?? repositoryNameOf(gun), ctx);
  const plan = await planNotaryMigration(collection, planOptions);
  if (plan.registryCheck === 'skipped') {
    ctx.log('note: tags were not compared with the registry (pass --check-image <ref> to refuse tags whose image changed since Notary signed them)');
  }
  if (options.dryRun) return { plan, dryRun: true };
  const trust = await resolveTrust(plan.name, options, ctx);
  const signers = ctx.keys.signers;
  const publish: Parameters<typeof applyNotaryMigration>[3] = { signers, now: ctx.now, memory: publishMemoryFor(ctx, trust.store) };
  if (options.role) publish.role = options.role;
  const result = await applyNotaryMigration(plan, trust.store, trust.pinnedRoot, publish);
  return { plan, dryRun: false, result, trustRepository: trust.store.location };
}

/** Resolve `<base>:<tag>` through signet's image sources; a missing tag resolves to undefined. */
function imageResolver(base: string, name: string, ctx: SignetContext): TagResolver {
  return async (tag) => {
    const [ref] = await parseReferences([`${base}:${tag}`], { name }, ctx);
    if (!ref) return undefined;
    try {
      const manifest = await (await openImageSource(ref, ctx.registry)).getManifest(ref);
      const children = childManifests(manifest).map((d) => {
        const custom: Record<string, unknown> = { mediaType: d.mediaType };
        if (d.platform) custom['platform'] = d.platform;
        return { digest: d.digest, size: d.size, custom };
      });
      return { digest: manifest.digest, size: manifest.bytes.length, custom: targetCustom(manifest), children };
    } catch (error) {
      if (error instanceof SignetError && MISSING.has(error.code)) return undefined;
      throw error;
    }
  };
}

const MISSING = new Set(['no-such-image', 'manifest-unknown', 'not-found', 'tag-not-found']);
