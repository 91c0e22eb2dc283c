// How the root commands show a root to the people in a ceremony: roles,
// thresholds, fingerprints to read aloud, and who signed.

import type { RootReport, ThresholdStatus } from '../../../ceremony/root-report.js';
import { shortKeyId } from '../../../keys/key-id.js';

export function reportLines(report: RootReport): string[] {
  const lines = [`root v${report.version}, expires ${report.expires}${report.expired ? ' (EXPIRED)' : ''}`, 'Keys (read the fingerprints aloud and compare):'];
  for (const role of report.roles) {
    lines.push(`  ${role.role}: threshold ${role.threshold} of ${role.keys.length}`);
    for (const key of role.keys) lines.push(`    ${role.role === 'root' ? (key.signed ? '[signed] ' : '[      ] ') : ''}${key.fingerprint}`);
  }
  lines.push(`Signatures (${report.signatures.length}):`);
  for (const s of report.signatures) {
    lines.push(`  ${s.fingerprint}  ${s.valid ? `valid, counts for ${s.trustedBy.join(' and ')}` : 'NOT VALID (wrong key, modified root, or not a root key)'}`);
  }
  lines.push(thresholdLine(report.self));
  if (report.previous) {
    lines.push(thresholdLine(report.previous));
    if (!report.previous.versionFollows) lines.push(`  version ${report.version} does not follow v${report.previous.version}`);
  }
  lines.push(report.ok ? 'Result: valid' : 'Result: NOT valid yet');
  return lines;
}

function thresholdLine(status: ThresholdStatus): string {
  const missing = status.met ? '' : ` (unsigned: ${status.missing.map(shortKeyId).join(', ')})`;
  return `Threshold of ${status.by}: ${status.signed} of ${status.threshold} required signatures, ${status.met ? 'met' : 'NOT met'}${missing}`;
}
