// The tags a verified Notary collection vouches for, as Docker Content Trust
// reads them: `targets/releases` takes precedence over `targets`; other
// delegations are not trusted by `docker pull` and are only reported.

import { base64ToHex } from './notary-metadata.js';
import type { NotaryTrustedSet, TrustedTargetsRole } from './notary-trusted-set.js';

/** A Docker tag (distribution reference grammar): what `docker pull name:<tag>` can name. */
const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** True when `name` is a valid Docker tag; Notary target names can be any text. */
export function isDockerTag(name: string): boolean {
  return DOCKER_TAG.test(name);
}

/** Docker's release role (docker/cli trust: releasesRole). */
export const RELEASES_ROLE = 'targets/releases';

export interface NotaryTag {
  tag: string;
  /** Manifest digest `sha256:<hex>`. */
  digest: string;
  /** Manifest size in bytes. */
  size: number;
  /** The Notary role that signed it. */
  role: string;
  /** Key ids with a valid signature on that role's metadata. */
  signers: string[];
  /** The version of that role's metadata. */
  roleVersion: number;
}

export interface NotaryTagProblem {
  tag: string;
  role: string;
  reason: string;
}

export interface DockerTagView {
  tags: NotaryTag[];
  /** Tags signed in a way Docker would not trust (outside role paths, no sha256, other delegations). */
  ignored: NotaryTagProblem[];
}

/**
 * Tags in `targets/releases` (valid) then `targets`; the first role that signs
 * a tag wins. With `allRoles`, tags only other delegations sign (within their
 * paths) are added after them, for collections signed with the notary CLI.
 */
export function dockerTags(trusted: NotaryTrustedSet, options: { allRoles?: boolean } = {}): DockerTagView {
  const tags = new Map<string, NotaryTag>();
  const ignored: NotaryTagProblem[] = [];
  const docker = [RELEASES_ROLE, 'targets'];
  const others = [...trusted.targetsRoles.keys()].filter((name) => !docker.includes(name));
  const order = options.allRoles ? [...docker, ...others] : docker;
  for (const name of order) {
    const role = trusted.targetsRoles.get(name);
    if (!role) continue;
    for (const [tag, meta] of Object.entries(role.envelope.signed.targets)) {
      if (tags.has(tag)) continue;
      // `""`, `../../evil` or a name with a newline is no tag docker can pull, and must not become a target name.
      if (!isDockerTag(tag)) {
        ignored.push({ tag, role: name, reason: 'not a valid Docker tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})' });
        continue;
      }
      if (!trusted.allows(role, tag)) {
        ignored.push({ tag, role: name, reason: `outside the paths delegated to ${name}` });
        continue;
      }
      const hex = Object.hasOwn(meta.hashes, 'sha256') ? base64ToHex(meta.hashes['sha256'] as string) : undefined;
      if (!hex || hex.length !== 64) {
        ignored.push({ tag, role: name, reason: 'signed without a sha256 digest' });
        continue;
      }
      tags.set(tag, tagOf(tag, hex, meta.length, role));
    }
  }
  for (const [name, role] of trusted.targetsRoles) {
    if (order.includes(name)) continue;
    // Reported, not trusted: `docker pull` reads only targets/releases and targets.
    for (const tag of Object.keys(role.envelope.signed.targets)) {
      ignored.push({ tag, role: name, reason: `${name} is not a role Docker trusts (only ${RELEASES_ROLE} and targets); --all-roles imports it` });
    }
  }
  return { tags: [...tags.values()].sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0)), ignored };
}

function tagOf(tag: string, hex: string, size: number, role: TrustedTargetsRole): NotaryTag {
  return { tag, digest: `sha256:${hex}`, size, role: role.name, signers: [...role.signers], roleVersion: role.envelope.signed.version };
}
