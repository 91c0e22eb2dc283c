// A publisher process for the crash tests (bundled by test/support/bundle.ts):
// adds the given targets to a trust repository with test keys, and SIGKILLs
// itself at store step `crashAt` (1-based; 0 = run to the end and print the
// steps, one per line, so the test can enumerate them).
//   node crash-publisher.mjs CONFIG.json

import { readFileSync } from 'node:fs';
import type { FaultHook, MetadataStore } from '../../src/store/metadata-store.js';
import { DirectoryStore } from '../../src/store/directory-store.js';
import { updateRepository, type TargetEntry } from '../../src/trust/trust-repository.js';
import { parseRoot } from '../../src/trust/root-chain.js';
import { signersOf, type TestKeys } from './test-trust.js';

interface CrashConfig {
  store: string;
  rootPath: string;
  keys: TestKeys;
  targets: TargetEntry[];
  crashAt: number;
}

async function openWithFaults(location: string, faults: FaultHook): Promise<MetadataStore> {
  if (location.startsWith('oci://')) {
    const { OciStore } = await import('../../src/store/oci-store.js');
    return OciStore.open(location, { faults });
  }
  return new DirectoryStore(location, { faults });
}

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as CrashConfig;
const steps: string[] = [];
const store = await openWithFaults(config.store, (step) => {
  steps.push(step);
  if (steps.length === config.crashAt) process.kill(process.pid, 'SIGKILL');
});
const pinned = parseRoot(readFileSync(config.rootPath));
await updateRepository(store, pinned, { signers: signersOf(config.keys), now: new Date() }, async (repo) => {
  for (const target of config.targets) await repo.addTarget(target);
});
process.stdout.write(steps.join('\n') + '\n');
process.exit(0);
