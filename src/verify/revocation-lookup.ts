// Explaining a refusal: after tuf-js found no trusted target for a name, look
// for a revocation record (see trust/revocation-records.ts) in the targets
// metadata tuf-js verified and persisted in this session's working copy. The
// record only shapes the message ("revoked since …"); the refusal itself was
// already decided by tuf-js.

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { readFileBounded } from '../store/atomic-file.js';
import { revocationOf, type RevocationRecord } from '../trust/revocation-records.js';
import { isRecord } from '../metadata/types.js';
import { LIMITS } from '../limits.js';

export interface FoundRevocation extends RevocationRecord {
  /** The role whose signed metadata holds the record. */
  role: string;
}

const NOT_TARGETS = new Set(['root.json', 'timestamp.json', 'snapshot.json']);

/** The newest record for `name` among the targets roles in `dir` (top-level targets first). */
export async function findRevocation(dir: string, name: string): Promise<FoundRevocation | undefined> {
  let files: string[];
  try {
    files = (await fs.readdir(dir)).filter((f) => f.endsWith('.json') && !f.startsWith('.') && !NOT_TARGETS.has(f));
  } catch {
    return undefined;
  }
  files.sort((a, b) => (a === 'targets.json' ? -1 : b === 'targets.json' ? 1 : a.localeCompare(b)));
  let best: FoundRevocation | undefined;
  for (const file of files.slice(0, LIMITS.maxDelegations + 1)) {
    let doc: unknown;
    try {
      const bytes = await readFileBounded(join(dir, file), LIMITS.targetsBytes, { refuseSymlink: true });
      if (bytes === undefined) continue;
      doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch {
      continue;
    }
    if (!isRecord(doc) || !isRecord(doc['signed']) || doc['signed']['_type'] !== 'targets') continue;
    const record = revocationOf(doc['signed'], name);
    if (record && (!best || record.revoked > best.revoked)) {
      best = { ...record, role: decodeURIComponent(file.slice(0, -'.json'.length)) };
    }
  }
  return best;
}
