// Placeholder until the registry client lands (issue 3).

import type { RegistryReference } from '../image/image-reference.js';
import { UsageError } from '../errors.js';

export function parseRegistryReference(text: string): RegistryReference {
  throw new UsageError('bad-reference', `"${text}": registry references are not supported yet; use oci-layout:<dir>[:<tag>]`);
}
