// Parse the image references a user typed; the registry grammar is loaded
// only when a reference is not an OCI layout one.

import { LAYOUT_PREFIX, parseImageReference, type ImageReference } from '../image/image-reference.js';
import type { SignetContext } from './context.js';
import { SignetError } from '../errors.js';

export interface ReferenceOptions {
  /** Repository name for OCI layout references (default: the directory's base name); for registry references, the name the image was signed under (default: its repository). */
  name?: string;
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

/** Like parseReferences, but a malformed reference becomes its own error instead of failing the batch. */
export async function parseEachReference(texts: readonly string[], options: ReferenceOptions, ctx: SignetContext): Promise<Array<ImageReference | SignetError>> {
  let parseAll: Awaited<ReturnType<typeof parseReferences>> | undefined;
  try {
    parseAll = await parseReferences(texts, options, ctx);
  } catch {
    // At least one is malformed: parse them one by one.
  }
  if (parseAll) return parseAll;
  return Promise.all(
    texts.map(async (text) => {
      try {
        const [ref] = await parseReferences([text], options, ctx);
        return ref!;
      } catch (error) {
        if (error instanceof SignetError) return error;
        throw error;
      }
    }),
  );
}
