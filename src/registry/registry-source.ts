// The registry as an ImageSource: manifests fetched with the distribution
// client (hashed over the bytes received), tags listed with pagination. One
// client (and so one connection pool and token cache) per options object.

import type { ImageSource, RegistryOptions } from '../image/image-source.js';
import type { ImageReference, RegistryReference } from '../image/image-reference.js';
import type { Manifest } from '../image/manifest.js';
import { UsageError } from '../errors.js';
import { RegistryClient } from './registry-client.js';
import type { RegistryClientOptions } from './registry-options.js';

const clients = new WeakMap<RegistryOptions, RegistryClient>();

/** The shared client for these options (created on first use). */
export function registryClientFor(options: RegistryOptions): RegistryClient {
  let client = clients.get(options);
  if (!client) {
    client = new RegistryClient(options as RegistryClientOptions);
    clients.set(options, client);
  }
  return client;
}

function asRegistry(ref: ImageReference): RegistryReference {
  if (ref.kind !== 'registry') throw new UsageError('bad-reference', `${ref.text} is not a registry reference`);
  return ref;
}

export class RegistrySource implements ImageSource {
  constructor(readonly client: RegistryClient) {}

  getManifest(ref: ImageReference): Promise<Manifest> {
    return this.client.getManifest(asRegistry(ref));
  }

  listTags(ref: ImageReference): Promise<string[]> {
    return this.client.listTags(asRegistry(ref));
  }
}

export async function openRegistrySource(ref: RegistryReference, options: RegistryOptions): Promise<ImageSource> {
  void ref;
  return new RegistrySource(registryClientFor(options));
}
