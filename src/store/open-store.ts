// Turn a store location from flags or the trust policy into a MetadataStore:
// a directory path (the default), http(s):// (read-only), oci:// (registry) or
// bundle:PATH (an air-gap bundle, read-only).
// Network stores are imported lazily so local commands stay fast.

import { resolve } from 'node:path';
import type { MetadataStore } from './metadata-store.js';
import { DirectoryStore } from './directory-store.js';
import { isLocalPath } from '../policy/trust-policy.js';
import { UsageError } from '../errors.js';

/** Options network stores need (registry auth, TLS); opaque here. */
export type StoreOptions = Record<string, unknown>;

export async function openStore(location: string, cwd: string, options: StoreOptions = {}): Promise<MetadataStore> {
  if (location.startsWith('oci://')) {
    const { OciStore } = await import('./oci-store.js');
    return OciStore.open(location, { registry: options });
  }
  if (location.startsWith('bundle:')) {
    const { openBundleStore } = await import('../bundle/bundle-store.js');
    return openBundleStore(location, cwd);
  }
  if (location.startsWith('dir:')) return new DirectoryStore(resolve(cwd, location.slice(4)));
  if (isLocalPath(location)) return new DirectoryStore(resolve(cwd, location));
  if (/^https?:\/\//i.test(location)) {
    const { HttpStore } = await import('./http-store.js');
    const deadline = options['deadlineMs'];
    return new HttpStore(location, { allowInsecureHttp: options['allowInsecureHttp'] === true, ...(typeof deadline === 'number' ? { timeoutMs: deadline } : {}) });
  }
  throw new UsageError('unsupported-store', `cannot open trust store ${location}: use a directory path, an http(s):// URL (read-only), oci://host[:port]/repository or bundle:PATH`);
}
