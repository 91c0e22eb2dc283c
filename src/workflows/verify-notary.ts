// `signet verify --notary`: verify images directly against a Notary v1
// collection (for teams running both during a migration). The collection is
// verified once per GUN; each image's manifest must match the signed tag.

import { openImageSource } from '../image/image-source.js';
import type { ImageReference } from '../image/image-reference.js';
import { sha256Hex } from '../metadata/digest.js';
import { InconclusiveError, SignetError, unexpectedError, UsageError, VerificationError } from '../errors.js';
import { dockerTags, type NotaryTag } from '../notary/docker-tags.js';
import { openNotaryCollection, type NotarySourceOptions } from './notary-source.js';
import { parseEachReference, type ReferenceOptions } from './references.js';
import { asMissingImage } from '../verify/verify-image.js';
import type { VerifyOutcome } from '../verify/verify-result.js';
import type { SignetContext } from './context.js';

export interface VerifyNotaryOptions extends NotarySourceOptions, ReferenceOptions {
  /** The GUN, required for oci-layout references (registry references imply it). */
  gun?: string;
}

export type NotaryVerifyOutcome = VerifyOutcome<{ reference: string; gun: string; tag: string; digest: string; size: number; role: string; verified: string }>;

export async function verifyNotaryImages(texts: readonly string[], options: VerifyNotaryOptions, ctx: SignetContext): Promise<NotaryVerifyOutcome[]> {
  const refs = await parseEachReference(texts, options, ctx);
  const views = new Map<string, Promise<Map<string, NotaryTag>>>();
  const outcomes: NotaryVerifyOutcome[] = [];
  for (const [i, ref] of refs.entries()) {
    if (ref instanceof SignetError) {
      outcomes.push({ ok: false, reference: texts[i]!, error: ref });
      continue;
    }
    try {
      const gun = gunOf(ref, options.gun);
      let view = views.get(gun);
      if (!view) {
        view = openNotaryCollection(gun, options, ctx).then((c) => new Map(dockerTags(c.trusted).tags.map((t) => [t.tag, t])));
        views.set(gun, view);
      }
      outcomes.push(await verifyOne(ref, gun, await view, ctx));
    } catch (error) {
      outcomes.push({ ok: false, reference: ref.text, error: asMissingImage(asSignetError(error)) });
    }
  }
  return outcomes;
}

async function verifyOne(ref: ImageReference, gun: string, tags: Map<string, NotaryTag>, ctx: SignetContext): Promise<NotaryVerifyOutcome> {
  const signed = ref.tag !== undefined ? tags.get(ref.tag) : [...tags.values()].find((t) => t.digest === ref.digest);
  if (!signed) {
    const what = ref.tag !== undefined ? `tag ${ref.tag}` : `digest ${ref.digest ?? ''}`;
    throw new VerificationError('not-signed', `${what} is not signed in the Notary collection ${gun} (targets/releases or targets)`);
  }
  const manifest = await (await openImageSource(ref, ctx.registry)).getManifest(ref);
  const found = `sha256:${sha256Hex(manifest.bytes)}`;
  if (found !== signed.digest || manifest.bytes.length !== signed.size) {
    throw new VerificationError(
      'digest-mismatch',
      `${ref.text} does not match its Notary signature: signed ${signed.digest} (${signed.size} bytes) by ${signed.role}, found ${found} (${manifest.bytes.length} bytes)`,
    );
  }
  const where = ref.kind === 'registry' ? `${ref.registry}/${ref.repository}` : ref.name;
  return { ok: true, reference: ref.text, gun, tag: signed.tag, digest: found, size: signed.size, role: signed.role, verified: `${where}@${found}` };
}

/** Docker Hub's registry host names all map to the GUN prefix docker uses, `docker.io`. */
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** A registry reference's GUN is `<registry>/<repository>` (as docker uses it); a layout needs --gun. */
export function gunOf(ref: ImageReference, given: string | undefined): string {
  if (given) return given;
  if (ref.kind === 'registry') return `${DOCKER_HUB_HOSTS.has(ref.registry) ? 'docker.io' : ref.registry}/${ref.repository}`;
  throw new UsageError('notary-gun-required', `${ref.text} is an OCI layout; pass --gun <registry>/<repository> to name its Notary collection`);
}

function asSignetError(error: unknown): SignetError {
  if (error instanceof SignetError) return error;
  return unexpectedError(error);
}
