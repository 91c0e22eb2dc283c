// Before signing into a delegated role, check that every target name is one
// the delegation chain lets that role sign; otherwise verifiers (tuf-js) would
// never look there and the signature would be silently useless. Matching is
// tuf-js's own (@tufjs/models Targets.delegations), so writer and verifier agree.

import { Targets } from '@tufjs/models';
import type { TrustRepository } from './trust-repository.js';
import { findDelegation } from './delegations.js';
import { UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';

/** Throws a UsageError naming the first target that `role` (through its delegators) may not sign. */
export async function requireDelegatedPaths(repo: TrustRepository, role: string, targets: readonly string[]): Promise<void> {
  if (role === 'targets') return;
  let current = role;
  for (let depth = 0; current !== 'targets'; depth++) {
    if (depth > LIMITS.maxDelegations) throw new UsageError('delegation-loop', `delegation chain of ${role} is deeper than ${LIMITS.maxDelegations}`);
    const found = await findDelegation(repo, current);
    if (!found) throw new UsageError('unknown-role', `no delegation named ${JSON.stringify(current)} in ${repo.store.location}; \`signet delegation list\` shows them`);
    const model = Targets.fromJSON(found.doc.signed as unknown as Parameters<typeof Targets.fromJSON>[0]);
    for (const target of targets) {
      const roles = [...(model.delegations?.rolesForTarget(target) ?? [])].map((r) => r.role);
      if (!roles.includes(current)) {
        const patterns = found.entry.paths?.join(', ') ?? `hash prefixes ${found.entry.path_hash_prefixes?.join(', ') ?? ''}`;
        throw new UsageError('path-not-delegated', `${current} may only sign ${patterns}; ${target} is outside it`);
      }
    }
    current = found.delegator;
  }
}
