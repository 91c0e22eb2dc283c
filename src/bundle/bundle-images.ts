// Images inside a bundle: one OCI image layout per image name under
// `images/<URL-encoded name>/`, so tags of different images never collide.
// Registry images are verified and pulled (every blob checked); an OCI layout
// reference is copied as it is (the verifier checks it against trust anyway).

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { ImageReference } from '../image/image-reference.js';
import type { TrustOptions } from '../workflows/resolve-trust.js';
import type { SignetContext } from '../workflows/context.js';

/** The layout directory of image `name` below a bundle's `images/`. */
export function bundleLayoutOf(imagesRoot: string, name: string): string {
  return join(imagesRoot, encodeURIComponent(name));
}

export async function copyImageIntoBundle(ref: ImageReference, imagesRoot: string, options: TrustOptions, ctx: SignetContext): Promise<void> {
  const to = bundleLayoutOf(imagesRoot, ref.name);
  await fs.mkdir(imagesRoot, { recursive: true });
  if (ref.kind === 'oci-layout') {
    if (await fs.stat(to).then(() => true, () => false)) return;
    await fs.cp(ref.dir, to, { recursive: true, dereference: false, verbatimSymlinks: true, filter: async (src) => !(await fs.lstat(src)).isSymbolicLink() });
    return;
  }
  const { pullVerifiedImage } = await import('../workflows/pull.js');
  const pullOptions: Parameters<typeof pullVerifiedImage>[1] = { to };
  if (options.trustRepo) pullOptions.trustRepo = options.trustRepo;
  if (options.root) pullOptions.root = options.root;
  await pullVerifiedImage(ref.text, pullOptions, ctx);
}
