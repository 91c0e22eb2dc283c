// Parse the image and file references a user typed; the registry grammar is
// loaded only when a reference is neither an OCI layout nor a file one.

import { LAYOUT_PREFIX, parseImageReference, type ImageReference } from '../image/image-reference.js';
import type { SignetContext } from './context.js';
import { isFileReference, parseFileReference, type FileNameOptions, type FileReference } from '../files/file-reference.js';
import { SignetError, UsageError } from '../errors.js';

export interface ReferenceOptions {
  /** Repository name for OCI layout references (default: the directory's base name); for registry references, the name the image was signed under (default: its repository). */
  name?: string;
  /** The target name of the one `file:` reference (see files/file-reference.ts). */
  targetName?: string;
  /** Prefix of the target names derived for `file:` references (default `files/`). */
  filePrefix?: string;
}

/** Anything signet signs: an image, or a file (`file:PATH`). */
export type TargetReference = ImageReference | FileReference;

/** Image and file references, in the order given. */
export async function parseTargetReferences(texts: readonly string[], options: ReferenceOptions, ctx: SignetContext): Promise<TargetReference[]> {
  const files = texts.filter(isFileReference);
  if (options.targetName !== undefined && files.length !== 1) {
    throw new UsageError('target-name-needs-one-file', `--target-name names one file target; ${files.length} file: references were given (use --file-prefix for several)`);
  }
  const images = await parseReferences(texts.filter((t) => !isFileReference(t)), options, ctx);
  const fileOptions: FileNameOptions = { cwd: ctx.cwd };
  if (options.targetName !== undefined) fileOptions.targetName = options.targetName;
  if (options.filePrefix !== undefined) fileOptions.filePrefix = options.filePrefix;
  let next = 0;
  return texts.map((text) => (isFileReference(text) ? parseFileReference(text, fileOptions) : images[next++]!));
}

export async function parseReferences(texts: readonly string[], options: ReferenceOptions, ctx: SignetContext): Promise<ImageReference[]> {
  const needsRegistry = texts.some((t) => !t.startsWith(LAYOUT_PREFIX));
  const parseRegistry = needsRegistry ? (await import('../registry/reference.js')).parseRegistryReference : undefined;
  return texts.map((text) => {
    const opts: Parameters<typeof parseImageReference>[1] = { cwd: ctx.cwd };
    if (options.name) opts.name = options.name;
    if (parseRegistry) opts.parseRegistry = parseRegistry;
    const ref = parseImageReference(text, opts);
    // For a registry image, --name is the name it was signed under (a copy in
    // another repository verifies against the original's targets).
    if (ref.kind === 'registry' && options.name) return { ...ref, name: options.name };
    return ref;
  });
}

/**
 * Like parseTargetReferences, but a malformed reference becomes its own error
 * instead of failing the batch (verify prints one result per reference).
 * Option errors that concern the whole batch (--target-name) still throw.
 */
export async function parseEachTargetReference(texts: readonly string[], options: ReferenceOptions, ctx: SignetContext): Promise<Array<TargetReference | SignetError>> {
  try {
    return await parseTargetReferences(texts, options, ctx);
  } catch (error) {
    if (!(error instanceof SignetError) || error.code === 'target-name-needs-one-file') throw error;
    // At least one is malformed: parse them one by one.
  }
  const fileCount = texts.filter(isFileReference).length;
  return Promise.all(
    texts.map(async (text) => {
      try {
        if (!isFileReference(text)) return (await parseReferences([text], options, ctx))[0]!;
        const { targetName: _several, ...withoutTargetName } = options;
        return (await parseTargetReferences([text], fileCount === 1 ? options : withoutTargetName, ctx))[0]!;
      } catch (error) {
        if (error instanceof SignetError) return error;
        throw error;
      }
    }),
  );
}

/** Image references only, one result each (see parseEachTargetReference). */
export async function parseEachReference(texts: readonly string[], options: ReferenceOptions, ctx: SignetContext): Promise<Array<ImageReference | SignetError>> {
  return Promise.all(
    texts.map(async (text) => {
      try {
        return (await parseReferences([text], options, ctx))[0]!;
      } catch (error) {
        if (error instanceof SignetError) return error;
        throw error;
      }
    }),
  );
}
