// One ImageSource per layout directory or registry repository for a whole
// bulk operation, so signing or verifying 10,000 tags reads an OCI layout's
// index.json once and reuses one registry client (connections, auth token).

import type { ImageReference } from '../image/image-reference.js';
import { openImageSource, type ImageSource, type RegistryOptions } from '../image/image-source.js';

export class ImageSources {
  private readonly sources = new Map<string, Promise<ImageSource>>();
  constructor(private readonly registry: RegistryOptions = {}) {}

  /** The shared source for `ref`'s layout or repository. */
  for(ref: ImageReference): Promise<ImageSource> {
    const key = ref.kind === 'oci-layout' ? `layout\n${ref.dir}` : `registry\n${ref.registry}\n${ref.repository}`;
    let source = this.sources.get(key);
    if (!source) {
      source = openImageSource(ref, this.registry, { readIndexOnce: true });
      this.sources.set(key, source);
      source.catch(() => this.sources.delete(key));
    }
    return source;
  }
}
