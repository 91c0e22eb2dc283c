// `signet verify -f FILE…`: every image in Kubernetes YAML (Helm, Kustomize
// output) and Compose files, verified in one call by the same code as
// `signet verify`; with `pin`, the files are rewritten to the verified
// digests, and only when every image verified.

import { promises as fs } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { manifestImages, type ManifestImage } from '../manifests/manifest-file.js';
import { pinImages, pinnedName } from '../manifests/pin-images.js';
import { parseDotEnv, type VariableLookup } from '../manifests/compose-variables.js';
import { verifyImages, type VerifyOptions, type VerifyOutcome } from './verify.js';
import { readFileBounded, writeFileAtomic } from '../store/atomic-file.js';
import { SignetError, UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';
import type { SignetContext } from './context.js';

export interface ManifestInput {
  /** A path, or `-` with `text` (stdin). */
  file: string;
  text?: string;
}

export interface ManifestOptions extends VerifyOptions {
  /** Rewrite each file (or return stdin's text) with verified digests. */
  pin?: boolean;
  /** The environment Compose variables are read from first (then `.env` beside the file). */
  env?: Readonly<Record<string, string | undefined>>;
}

export type ManifestResult = Omit<ManifestImage, 'range' | 'style'> &
  ({ ok: true; digest: string; verified: string; pinned: string } | { ok: false; error: SignetError });

export interface ManifestReport {
  images: ManifestResult[];
  /** Files written by `pin` (none when any image failed). */
  written: string[];
  /** With `pin`, stdin's pinned text (to print instead of writing). */
  pinnedStdin?: string;
  bytesDownloaded: number;
}

export async function verifyManifests(inputs: readonly ManifestInput[], options: ManifestOptions, ctx: SignetContext): Promise<ManifestReport> {
  const texts = new Map<string, string>();
  const found: ManifestImage[] = [];
  for (const input of inputs) {
    const text = input.text ?? (await readManifest(resolve(ctx.cwd, input.file)));
    texts.set(input.file, text);
    const projectDir = input.file === '-' ? ctx.cwd : dirname(resolve(ctx.cwd, input.file));
    found.push(...manifestImages(input.file, text, await composeVariables(options.env ?? {}, projectDir)));
    if (found.length > LIMITS.maxDeployImages) throw new UsageError('too-many-images', `more than ${LIMITS.maxDeployImages} images in the given files`);
  }
  // Each distinct reference is verified once, all in one call (one TUF refresh per trust repository).
  const { parseRegistryReference } = await import('../registry/reference.js');
  const byImage = new Map<string, VerifyOutcome>();
  const checkable: string[] = [];
  for (const image of new Set(found.map((f) => f.image))) {
    try {
      parseRegistryReference(image);
      checkable.push(image);
    } catch (error) {
      byImage.set(image, { ok: false, reference: image, error: error instanceof SignetError ? error : new UsageError('bad-reference', String(error)) });
    }
  }
  const report = checkable.length ? await verifyImages(checkable.map(byDigestWhenPinned), options, ctx) : { outcomes: [], bytesDownloaded: 0 };
  checkable.forEach((image, i) => byImage.set(image, report.outcomes[i]!));

  const images: ManifestResult[] = found.map(({ range: _range, style: _style, ...site }) => {
    const outcome = byImage.get(site.image)!;
    if (!outcome.ok) return { ...site, ok: false, error: outcome.error };
    return { ...site, ok: true, digest: outcome.digest, verified: outcome.verified, pinned: pinnedName(site.image, outcome.digest) };
  });
  const out: ManifestReport = { images, written: [], bytesDownloaded: report.bytesDownloaded };
  if (!options.pin || images.some((i) => !i.ok)) return out;

  for (const [file, text] of texts) {
    const pins = found.flatMap((image, i) => {
      const result = images[i]!;
      if (image.file !== file || !result.ok) return [];
      // An image written with variables keeps them: the digest is appended (`${REGISTRY}/app:${TAG}@sha256:…`).
      if (image.source !== undefined) return image.source.includes('@') ? [] : [{ image, pinned: `${image.source}@${result.digest}` }];
      return result.pinned !== image.image ? [{ image, pinned: result.pinned }] : [];
    });
    if (file === '-') {
      out.pinnedStdin = pinImages(text, pins);
      continue;
    }
    if (pins.length === 0) continue;
    const path = await fs.realpath(resolve(ctx.cwd, file)); // a symlinked manifest is edited where it lives
    const mode = (await fs.stat(path)).mode & 0o777;
    await writeFileAtomic(path, pinImages(text, pins), { mode });
    out.written.push(file);
  }
  return out;
}

/** `name:tag@sha256:…` runs the digest (the tag is ignored by the runtime), so it is verified by digest. */
function byDigestWhenPinned(image: string): string {
  const at = image.indexOf('@');
  return at >= 0 ? pinnedName(image, image.slice(at + 1)) : image;
}

/** Compose's lookup: the environment first, then `.env` in the project directory (when there is one). */
async function composeVariables(env: Readonly<Record<string, string | undefined>>, projectDir: string): Promise<VariableLookup> {
  let dotEnv: Map<string, string> | undefined;
  const bytes = await readFileBounded(resolve(projectDir, '.env'), LIMITS.configFileBytes).catch(() => undefined);
  if (bytes !== undefined) dotEnv = parseDotEnv(bytes.toString('utf8'));
  return (name) => (Object.hasOwn(env, name) && env[name] !== undefined ? env[name] : dotEnv?.get(name));
}

async function readManifest(path: string): Promise<string> {
  let bytes: Buffer | undefined;
  try {
    bytes = await readFileBounded(path, LIMITS.deployFileBytes);
  } catch (cause) {
    throw new UsageError('bad-manifest', `could not read ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  if (bytes === undefined) throw new UsageError('bad-manifest', `${path} does not exist`);
  return bytes.toString('utf8');
}
