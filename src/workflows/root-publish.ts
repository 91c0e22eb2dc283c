// `signet root publish`: put a ceremony-signed root into a trust repository.
// The repository is loaded from a pinned root (--root, or the policy entry for
// that store): a publisher never trusts what it finds in the store by itself.

import { resolve } from 'node:path';
import { openStore } from '../store/open-store.js';
import { readRootFile } from '../ceremony/root-file.js';
import { publishRoot, type PublishRootResult } from '../ceremony/root-publish.js';
import { readPolicy } from '../policy/trust-policy.js';
import { parseRoot } from '../trust/root-chain.js';
import { readFileBounded } from '../store/atomic-file.js';
import { UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { policyPathOf, publishMemoryFor, type SignetContext } from './context.js';

export interface PublishRootOptions {
  trustRepo: string;
  /** Pinned root file; default: the trust policy entry for this store. */
  root?: string;
}

export async function publishSignedRoot(file: string, options: PublishRootOptions, ctx: SignetContext): Promise<PublishRootResult> {
  const next = await readRootFile(resolve(ctx.cwd, file));
  const store = await openStore(options.trustRepo, ctx.cwd, ctx.registry ?? {});
  const pinPath = options.root ? resolve(ctx.cwd, options.root) : (await readPolicy(policyPathOf(ctx))).trust.find((e) => e.store === store.location)?.root;
  if (!pinPath) {
    throw new UsageError('no-pinned-root', `no pinned root for ${store.location}: pass --root ROOT.json (the root you trust for this repository), or pin it with \`signet trust add --scope GLOB --store '${store.location}' --root ROOT.json\``);
  }
  const pinBytes = await readFileBounded(pinPath, LIMITS.rootBytes, { refuseSymlink: true });
  if (pinBytes === undefined) throw new UsageError('no-pinned-root', `pinned root ${pinPath} does not exist`);
  const pinned = parseRoot(pinBytes, pinPath);
  const signers = ctx.keys.signers;
  return publishRoot(store, pinned, next, { signers, now: ctx.now, log: ctx.log, memory: publishMemoryFor(ctx, store) });
}
