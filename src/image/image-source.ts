// Where manifests come from: an OCI layout on disk or a registry. Registry
// code (and undici) is imported only when a registry reference is used, so
// local commands start fast.

import type { ImageReference } from './image-reference.js';
import type { Manifest } from './manifest.js';
import { OciLayout, type LayoutIndex } from './oci-layout.js';

export interface ImageSource {
  /** Resolve the reference to its manifest, hashed over the exact bytes received. */
  getManifest(ref: ImageReference): Promise<Manifest>;
  /** Every tag of the repository the reference names. */
  listTags(ref: ImageReference): Promise<string[]>;
}

/** Registry settings the CLI gathers (auth, TLS, proxies); opaque to this module. */
export type RegistryOptions = Record<string, unknown>;

/**
 * `readIndexOnce`: read an OCI layout's index.json once for the life of the
 * source (bulk operations); otherwise every lookup sees the current index.
 */
export async function openImageSource(ref: ImageReference, registry: RegistryOptions = {}, options: { readIndexOnce?: boolean } = {}): Promise<ImageSource> {
  if (ref.kind === 'oci-layout') {
    const layout = options.readIndexOnce ? new ReadOnceLayout(ref.dir) : new OciLayout(ref.dir);
    return {
      getManifest: (r) => layout.getManifest(r as typeof ref),
      listTags: () => layout.tags(),
    };
  }
  const { openRegistrySource } = await import('../registry/registry-source.js');
  return openRegistrySource(ref, registry);
}

/** A layout whose index.json is read at most once. */
class ReadOnceLayout extends OciLayout {
  private index: Promise<LayoutIndex> | undefined;
  override readIndex(): Promise<LayoutIndex> {
    this.index ??= super.readIndex();
    return this.index;
  }
}
