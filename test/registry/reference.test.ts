import { describe, expect, it } from 'vitest';
import { parseRegistryReference, formatRegistryReference } from '../../src/registry/reference.js';
import { parseImageReference } from '../../src/image/image-reference.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseRegistryReference', () => {
  it('applies the docker.io, library/ and latest defaults to a bare name', () => {
    const ref = parseRegistryReference('nginx');
    expect(ref).toMatchObject({ kind: 'registry', registry: 'docker.io', repository: 'library/nginx', name: 'library/nginx', tag: 'latest' });
  });

  it('keeps a Docker Hub user path without library/', () => {
    expect(parseRegistryReference('team/app:1.2').repository).toBe('team/app');
    expect(parseRegistryReference('index.docker.io/team/app').registry).toBe('docker.io');
  });

  it('reads host:port, nested path, tag and digest', () => {
    const ref = parseRegistryReference(`127.0.0.1:5000/org/team/app:v1.0@${D}`);
    expect(ref).toMatchObject({ registry: '127.0.0.1:5000', repository: 'org/team/app', tag: 'v1.0', digest: D });
  });

  it('does not add latest to a digest reference', () => {
    const ref = parseRegistryReference(`localhost/app@${D}`);
    expect(ref.tag).toBeUndefined();
    expect(ref.registry).toBe('localhost');
  });

  it('treats a first component with a dot or port as the host', () => {
    expect(parseRegistryReference('ghcr.io/owner/img').registry).toBe('ghcr.io');
    expect(parseRegistryReference('[::1]:5000/app').registry).toBe('[::1]:5000');
    expect(parseRegistryReference('owner/img').registry).toBe('docker.io');
  });

  it('names a bad tag', () => {
    expect(() => parseRegistryReference('app:-bad')).toThrow(/the tag "-bad"/);
  });

  it('names a bad digest', () => {
    expect(() => parseRegistryReference('app@sha256:abc')).toThrow(/the digest "sha256:abc"/);
    expect(() => parseRegistryReference(`app@md5:${'a'.repeat(32)}`)).toThrow(/not a sha256 digest/);
  });

  it('names an uppercase path component', () => {
    expect(() => parseRegistryReference('example.com/Team/app')).toThrow(/path component "Team"/);
  });

  it('names a bad port', () => {
    expect(() => parseRegistryReference('example.com:99999/app')).toThrow(/port "99999"/);
    expect(() => parseRegistryReference('example.com:x1/app:1')).toThrow(/port "x1"/);
  });

  it('refuses an empty reference and an empty path', () => {
    expect(() => parseRegistryReference('')).toThrow(/empty/);
    expect(() => parseRegistryReference('example.com/')).toThrow(/path component ""|path is empty/);
  });

  it('refuses a name longer than 255 characters', () => {
    expect(() => parseRegistryReference(`example.com/${'a'.repeat(256)}`)).toThrow(/more than 255/);
  });

  it('formats back to host/repo:tag@digest', () => {
    expect(formatRegistryReference(parseRegistryReference(`localhost:5000/a/b:t@${D}`))).toBe(`localhost:5000/a/b:t@${D}`);
  });
});

describe('parseImageReference', () => {
  it('parses registry references with the docker grammar when given the parser', () => {
    expect(parseImageReference('127.0.0.1:5000/app:1', { parseRegistry: parseRegistryReference }).kind).toBe('registry');
    expect(parseImageReference('oci-layout:/tmp/x:1').kind).toBe('oci-layout');
  });
});
