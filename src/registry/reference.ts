// The docker image reference grammar: `[host[:port]/]path/name[:tag][@sha256:<hex>]`,
// with the `docker.io` and `library/` defaults and `latest` when nothing else is
// given (https://github.com/distribution/reference, grammar.go). Errors name the part that is wrong.

import type { RegistryReference } from '../image/image-reference.js';
import { UsageError } from '../errors.js';

export const DEFAULT_REGISTRY = 'docker.io';
/** Docker Hub's API endpoint; `docker.io` is only its name in references. */
export const DOCKER_HUB_ENDPOINT = 'registry-1.docker.io';

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const IPV6 = /^\[[0-9A-Fa-f:.]+\]$/;
const MAX_NAME = 255;

function bad(text: string, what: string): never {
  throw new UsageError('bad-reference', `"${text}": ${what}`);
}

/** Is the first path component a registry host (has a dot or port, or is localhost)? */
function looksLikeHost(part: string): boolean {
  return part.includes('.') || part.includes(':') || part === 'localhost' || part.startsWith('[') || part !== part.toLowerCase();
}

/** Check `host[:port]`; throws naming the host when malformed. */
export function checkRegistryHost(host: string, text: string = host): void {
  let name = host;
  let port: string | undefined;
  const close = host.lastIndexOf(']');
  const colon = host.lastIndexOf(':');
  if (colon > close) {
    name = host.slice(0, colon);
    port = host.slice(colon + 1);
  }
  if (port !== undefined && !/^[0-9]{1,5}$/.test(port)) bad(text, `the registry port "${port}" is not a number`);
  if (port !== undefined && Number(port) > 65535) bad(text, `the registry port "${port}" is larger than 65535`);
  if (IPV6.test(name)) return;
  if (name === '' || !name.split('.').every((label) => HOST_LABEL.test(label))) {
    bad(text, `the registry host "${host}" is not a valid host name`);
  }
}

/**
 * Parse a docker-style reference. `nginx` → docker.io/library/nginx:latest;
 * `127.0.0.1:5000/team/app@sha256:…` keeps only the digest (no default tag).
 * Throws UsageError('bad-reference') naming the offending part.
 */
export function parseRegistryReference(text: string): RegistryReference {
  if (text === '') bad(text, 'the reference is empty');
  if (/\s/.test(text)) bad(text, 'a reference cannot contain white space');
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digest.startsWith('sha256:')) bad(text, `the digest "${digest}" is not a sha256 digest (sha256:<64 lowercase hex digits>)`);
    if (!DIGEST.test(digest)) bad(text, `the digest "${digest}" is not sha256:<64 lowercase hex digits>`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0 && !rest.slice(colon + 1).includes('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) bad(text, `the tag "${tag}" is not valid (letters, digits, _ . -, at most 128, not starting with . or -)`);
  }
  let registry = DEFAULT_REGISTRY;
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0 && looksLikeHost(rest.slice(0, slash))) {
    registry = rest.slice(0, slash);
    path = rest.slice(slash + 1);
    checkRegistryHost(registry, text);
  }
  if (registry === 'index.docker.io') registry = DEFAULT_REGISTRY;
  if (path === '') bad(text, 'the repository path is empty');
  for (const component of path.split('/')) {
    if (!COMPONENT.test(component)) {
      bad(text, `the path component "${component}" is not valid (lowercase letters and digits, separated by . _ __ or -)`);
    }
  }
  if (registry === DEFAULT_REGISTRY && !path.includes('/')) path = `library/${path}`;
  if (path.length > MAX_NAME) bad(text, `the repository name is ${path.length} characters, more than ${MAX_NAME}`);
  if (!tag && !digest) tag = 'latest';
  const ref: RegistryReference = { kind: 'registry', registry, repository: path, name: path, text };
  if (tag) ref.tag = tag;
  if (digest) ref.digest = digest;
  return ref;
}

/** `host/repo:tag@digest`, the canonical text of a reference. */
export function formatRegistryReference(ref: Pick<RegistryReference, 'registry' | 'repository' | 'tag' | 'digest'>): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/**
 * A target-name prefix from what a user typed: `host[:port]/team/app:1` →
 * `team/app:1` (target names never carry the host); text without a host is kept.
 */
export function withoutRegistryHost(text: string): string {
  const slash = text.indexOf('/');
  if (slash < 0 || !looksLikeHost(text.slice(0, slash))) return text;
  const host = text.slice(0, slash);
  const rest = text.slice(slash + 1);
  return (host === DEFAULT_REGISTRY || host === 'index.docker.io') && !rest.includes('/') ? `library/${rest}` : rest;
}
