// Placeholder until the registry client lands (issue 3): registry references
// are parsed but cannot be resolved yet.

import type { ImageSource, RegistryOptions } from '../image/image-source.js';
import type { RegistryReference } from '../image/image-reference.js';
import { UsageError } from '../errors.js';

export async function openRegistrySource(ref: RegistryReference, options: RegistryOptions): Promise<ImageSource> {
  void options;
  throw new UsageError('registry-unsupported', `${ref.text}: registry references are not supported yet`);
}
