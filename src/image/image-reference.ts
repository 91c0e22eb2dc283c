// Image references as signet reads them: `oci-layout:<dir>[:<tag>|@sha256:…]`
// for an OCI image layout on disk, and the docker grammar for registries
// (parsed in src/registry/reference.ts). Each has a host-less `name`, which
// is what target names are made of, so a copy on a mirror still verifies.

import { basename, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { isSha256Digest } from '../metadata/digest.js';

export interface LayoutReference {
  kind: 'oci-layout';
  /** Absolute path of the layout directory. */
  dir: string;
  tag?: string;
  digest?: string;
  /** Repository name used in target names (`--name`, else the directory's base name). */
  name: string;
  /** The text the user gave. */
  text: string;
}

export interface RegistryReference {
  kind: 'registry';
  /** Registry host[:port], e.g. `docker.io`, `127.0.0.1:5000`. */
  registry: string;
  /** Repository path without the host, e.g. `library/nginx`. */
  repository: string;
  tag?: string;
  digest?: string;
  /** Same as `repository`: target names never carry the host. */
  name: string;
  text: string;
}

export type ImageReference = LayoutReference | RegistryReference;

export const LAYOUT_PREFIX = 'oci-layout:';
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export interface ParseOptions {
  /** Overrides the repository name of an OCI layout reference. */
  name?: string;
  cwd?: string;
  /** Parser for registry references (loaded lazily to keep start-up fast). */
  parseRegistry?: (text: string) => RegistryReference;
}

export function parseImageReference(text: string, options: ParseOptions = {}): ImageReference {
  if (text.startsWith(LAYOUT_PREFIX)) return parseLayoutReference(text, options);
  if (!options.parseRegistry) {
    throw new UsageError('bad-reference', `"${text}" is not an OCI layout reference (oci-layout:<dir>[:<tag>])`);
  }
  return options.parseRegistry(text);
}

/** `oci-layout:<dir>[:<tag>]` or `oci-layout:<dir>@sha256:<hex>`. */
export function parseLayoutReference(text: string, options: ParseOptions = {}): LayoutReference {
  let rest = text.slice(LAYOUT_PREFIX.length);
  let digest: string | undefined;
  let tag: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isSha256Digest(digest)) throw new UsageError('bad-reference', `"${text}": the digest part "${digest}" is not sha256:<64 hex digits>`);
  }
  const colon = rest.lastIndexOf(':');
  if (colon >= 0 && !rest.slice(colon + 1).includes('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new UsageError('bad-reference', `"${text}": the tag "${tag}" is not a valid tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`);
  }
  if (rest === '') throw new UsageError('bad-reference', `"${text}": the directory part is empty`);
  const dir = resolve(options.cwd ?? process.cwd(), rest);
  const name = options.name ?? basename(dir).toLowerCase();
  checkName(name, text);
  if (!tag && !digest) tag = 'latest';
  const ref: LayoutReference = { kind: 'oci-layout', dir, name, text };
  if (tag) ref.tag = tag;
  if (digest) ref.digest = digest;
  return ref;
}

export function checkName(name: string, text: string): void {
  if (!NAME.test(name) || name.length > 255) {
    throw new UsageError('bad-reference', `"${text}": the repository name "${name}" is not valid (lowercase, digits, separators ._-, path components split by /); pass --name`);
  }
}

/** TUF target name of a tag: `team/app:1.2.3`. */
export function tagTargetName(name: string, tag: string): string {
  return `${name}:${tag}`;
}

/** TUF target name of a digest: `team/app@sha256:<hex>`. */
export function digestTargetName(name: string, digest: string): string {
  return `${name}@${digest}`;
}

/** The target name a reference asks about: its tag, else its digest. */
export function targetNameOf(ref: ImageReference, digest?: string): string {
  if (ref.tag) return tagTargetName(ref.name, ref.tag);
  const d = ref.digest ?? digest;
  if (!d) throw new UsageError('bad-reference', `"${ref.text}" names neither a tag nor a digest`);
  return digestTargetName(ref.name, d);
}
