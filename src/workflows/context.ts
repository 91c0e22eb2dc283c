// What every workflow receives from its caller (the CLI or a library user):
// where state lives, the fixed reference time, how to get passphrases, and
// where to send diagnostics, and the keys it may use. Workflows never read
// env vars, prompt, or open a keystore themselves.

import { join } from 'node:path';
import type { PassphraseProvider } from '../keys/keystore.js';
import type { KeyRing } from '../keys/key-ring.js';
import { filePublishMemory, type PublishMemory } from '../trust/publish-memory.js';
import type { RegistryOptions } from '../image/image-source.js';

export interface SignetContext {
  /** SIGNET_HOME: keys, trusted state, policy, pinned roots. */
  home: string;
  /** Relative paths in arguments resolve against this. */
  cwd: string;
  /** The reference time of the whole operation, fixed once. */
  now: Date;
  passphrases: PassphraseProvider;
  /** Signers and new keys, built once by the front end over SIGNET_HOME/keys (see keys/key-ring.ts). */
  keys: KeyRing;
  /** One line of diagnostics (stderr in the CLI). Never given secrets. */
  log: (line: string) => void;
  /** Trust policy file; SIGNET_HOME/policy.json when absent. */
  policyPath?: string;
  registry?: RegistryOptions;
  /** Bulk progress: `done` of `total` in `phase` (a bar on a TTY in the CLI). */
  progress?: (phase: string, done: number, total: number) => void;
}

export function policyPathOf(ctx: SignetContext): string {
  return ctx.policyPath ?? join(ctx.home, 'policy.json');
}

export function rootsDirOf(ctx: SignetContext): string {
  return join(ctx.home, 'roots');
}

/** The writer's memory of versions seen in `store`, under SIGNET_HOME (see trust/publish-memory.ts). */
export function publishMemoryFor(ctx: SignetContext, store: { location: string }): PublishMemory {
  return filePublishMemory(ctx.home, store.location);
}
