// Which Notary collection (GUN) an image reference names.

import { describe, expect, it } from 'vitest';
import { gunOf } from '../../src/workflows/verify-notary.js';
import type { ImageReference } from '../../src/image/image-reference.js';

const registryRef = (registry: string, repository: string): ImageReference => ({ kind: 'registry', registry, repository, name: repository, tag: '1.0', text: `${registry}/${repository}:1.0` });

describe('the GUN of an image reference', () => {
  it('is registry/repository, as docker trust names collections', () => {
    expect(gunOf(registryRef('registry.example.com:5000', 'team/app'), undefined)).toBe('registry.example.com:5000/team/app');
  });
  it('uses docker.io for every Docker Hub host', () => {
    expect(gunOf(registryRef('registry-1.docker.io', 'library/nginx'), undefined)).toBe('docker.io/library/nginx');
    expect(gunOf(registryRef('index.docker.io', 'library/nginx'), undefined)).toBe('docker.io/library/nginx');
  });
  it('must be given for an OCI layout', () => {
    const layout: ImageReference = { kind: 'oci-layout', dir: '/tmp/app', name: 'app', tag: '1.0', text: 'oci-layout:/tmp/app:1.0' };
    expect(() => gunOf(layout, undefined)).toThrow(/--gun/);
    expect(gunOf(layout, 'example.com/app')).toBe('example.com/app');
  });
});
