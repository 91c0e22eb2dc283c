// What a `signet revoke` argument names. A name exactly as `signet list`
// prints it (`app:2.0`, `team/app@sha256:…`) is a target name and is revoked
// as is; anything else is an image reference (`oci-layout:…`, or a registry
// reference whose host is dropped: target names never carry one).

import { LAYOUT_PREFIX } from '../image/image-reference.js';
import { isFileReference } from '../files/file-reference.js';
import type { RevokeRequest } from '../trust/revoke-targets.js';
import { parseTargetName } from '../trust/target-names.js';
import { TrustRepository } from '../trust/trust-repository.js';
import { digestTargetName, tagTargetName } from '../image/image-reference.js';
import { parseEachTargetReference, type ReferenceOptions, type TargetReference } from './references.js';
import { resolveTrust, type ResolvedTrust, type TrustOptions } from './resolve-trust.js';
import type { SignetContext } from './context.js';
import { SignetError, UsageError } from '../errors.js';

/** One argument, resolved: the image name that picks its trust repository, and what to remove. */
export interface RevokeItem {
  /** Host-less image name (the policy scope is matched against it). */
  name: string;
  text: string;
  request: RevokeRequest;
  /** The image or file reference, when the argument was read as one (gives `{registry}` to store templates). */
  ref?: TargetReference;
}

/**
 * Read each argument. The one ambiguity is a Docker Hub short name: `app:2.0`
 * is the target `app:2.0`, and as a registry reference `docker.io/library/app:2.0`
 * (target `library/app:2.0`). The exact target name wins when the trust
 * repository covering it signs it; else the registry reading is used; when
 * neither is signed the error names both. A reference with a host
 * (`docker.io/library/app:2.0`) or `--name` is always an image reference.
 */
export async function revokeItems(texts: readonly string[], options: ReferenceOptions & TrustOptions, ctx: SignetContext): Promise<RevokeItem[]> {
  const refs = await parseEachTargetReference(texts, options, ctx);
  const listings = new Map<string, Promise<Set<string>>>();
  const signedIn = (trust: ResolvedTrust): Promise<Set<string>> => {
    const key = `${trust.store.location}\n${trust.rootPath}`;
    let listing = listings.get(key);
    if (!listing) {
      // Every target name, plus `<image>@sha256:<hex>` for what each target points at (a digest revokes those).
      listing = TrustRepository.load(trust.store, trust.pinnedRoot).then(async (repo) => {
        const names = new Set<string>();
        for (const t of await repo.listTargets()) {
          names.add(t.name);
          const image = parseTargetName(t.name)?.name;
          if (image !== undefined) names.add(digestTargetName(image, `sha256:${t.sha256}`));
        }
        return names;
      });
      listings.set(key, listing);
    }
    return listing;
  };
  const items: RevokeItem[] = [];
  for (const [i, text] of texts.entries()) {
    const ref = refs[i];
    const literal = options.name || text.startsWith(LAYOUT_PREFIX) || isFileReference(text) ? undefined : literalTarget(text);
    const fromRef = ref instanceof SignetError ? undefined : itemOf(ref!);
    if (literal && (!fromRef || targetOf(literal) !== targetOf(fromRef))) {
      if (await isSigned(literal, options, ctx, signedIn)) {
        items.push(literal);
        continue;
      }
      if (!fromRef || !(await isSigned(fromRef, options, ctx, signedIn))) {
        throw new UsageError(
          'not-signed',
          `${text} is not signed: no trust repository signs the target ${targetOf(literal)}${fromRef ? ` nor the image ${text} (target ${targetOf(fromRef)})` : ''}; nothing was revoked (\`signet list\` prints the names revoke takes)`,
        );
      }
    }
    if (ref instanceof SignetError) throw ref;
    items.push(fromRef!);
  }
  return items;
}

/**
 * The text taken literally as a target name when it has no registry host:
 * `name:tag`, `name@sha256:…`, or any other name (file targets, `files/app.tar.gz`).
 */
function literalTarget(text: string): RevokeItem | undefined {
  if (text === '' || /\s/.test(text)) return undefined;
  const parsed = parseTargetName(text);
  if (!parsed) {
    const first = text.split('/')[0]!;
    if (text.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return undefined;
    return { name: text, text, request: { kind: 'target', name: text } };
  }
  if (parsed.name.includes(':') || parsed.name.includes('@')) return undefined;
  const first = parsed.name.split('/')[0]!;
  if (parsed.name.includes('/') && (first.includes('.') || first === 'localhost')) return undefined; // a registry host
  if (parsed.digest !== undefined) {
    if (!/^sha256:[0-9a-f]{64}$/.test(parsed.digest)) return undefined;
    return { name: parsed.name, text, request: { kind: 'digest', digest: parsed.digest, name: parsed.name } };
  }
  if (!parsed.tag) return undefined;
  return { name: parsed.name, text, request: { kind: 'tag', name: parsed.name, tag: parsed.tag } };
}

function itemOf(ref: TargetReference): RevokeItem {
  if (ref.kind === 'file') return { name: ref.name, text: ref.text, ref, request: { kind: 'target', name: ref.name } };
  if (ref.digest) return { name: ref.name, text: ref.text, ref, request: { kind: 'digest', digest: ref.digest, name: ref.name } };
  if (ref.tag) return { name: ref.name, text: ref.text, ref, request: { kind: 'tag', name: ref.name, tag: ref.tag } };
  throw new UsageError('no-tag', `${ref.text} names neither a tag nor a digest; revoke NAME:TAG or NAME@sha256:…`);
}

function targetOf(item: RevokeItem): string {
  const r = item.request;
  if (r.kind === 'target') return r.name;
  return r.kind === 'tag' ? tagTargetName(r.name, r.tag) : digestTargetName(r.name ?? item.name, r.digest);
}

/** Whether the repository covering `item` lists its target (a digest: any target of that name pointing at it). */
async function isSigned(item: RevokeItem, options: TrustOptions, ctx: SignetContext, signedIn: (trust: ResolvedTrust) => Promise<Set<string>>): Promise<boolean> {
  let trust: ResolvedTrust;
  try {
    trust = await resolveTrust(item.name, options, ctx);
  } catch (error) {
    if (error instanceof SignetError && error.kind === 'usage') return false; // no trust entry covers this reading
    throw error;
  }
  const names = await signedIn(trust);
  return names.has(targetOf(item));
}
