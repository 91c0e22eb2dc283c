// The option group of repository-level commands (revoke, delegation, key
// rotate/revoke, timestamp, status): which trust repository to work on.

import type { Command } from 'commander';
import { withTrustOptions } from './options.js';
import type { RepositoryOptions } from '../workflows/resolve-repository.js';

export interface RepositoryFlags {
  image?: string;
  trustRepo?: string;
  root?: string;
}

export function withRepositoryOptions(command: Command): Command {
  return withTrustOptions(command).option('--image <name>', "use the trust repository the policy assigns to this image: a name (team/app), or with its registry (registry.example.com/team/app) to fill a policy store oci://{registry}/{repository}; default: the policy's only one");
}

export function repositoryOptions(flags: RepositoryFlags): RepositoryOptions {
  const out: RepositoryOptions = {};
  if (flags.image) out.image = flags.image;
  if (flags.trustRepo) out.trustRepo = flags.trustRepo;
  if (flags.root) out.root = flags.root;
  return out;
}

/** Commander collector for repeatable options. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
