// Where manifests come from: an OCI layout on disk or a registry. Registry
// code (and undici) is imported only when a registry reference is used, so
// local commands start fast.

import type { ImageReference } from './image-reference.js';
import type { Manifest } from './manifest.js';
import { OciLayout } from './oci-layout.js';

export interface ImageSource {
  /** Resolve the reference to its manifest, hashed over the exact bytes received. */
  getManifest(ref: ImageReference): Promise<Manifest>;
  /** Every tag of the repository the reference names. */
  listTags(ref: ImageReference): Promise<string[]>;
}

/** Registry settings the CLI gathers (auth, TLS, proxies); opaque to this module. */
export type RegistryOptions = Record<string, unknown>;

export async function openImageSource(ref: ImageReference, registry: RegistryOptions = {}): Promise<ImageSource> {
  if (ref.kind === 'oci-layout') {
    const layout = new OciLayout(ref.dir);
    return {
      getManifest: (r) => layout.getManifest(r as typeof ref),
      listTags: () => layout.tags(),
    };
  }
  const { openRegistrySource } = await import('../registry/registry-source.js');
  return openRegistrySource(ref, registry);
}
