// How keys are shown and written by the key commands: always with the full
// key id and its read-aloud fingerprint; public key files in three formats.

import type { KeyInfo } from '../../../keys/keystore.js';
import { fingerprint } from '../../../keys/key-id.js';
import { publicKeyPem, type PublicKeyExport } from '../../../keys/public-key-file.js';
import { writeFileAtomic } from '../../../store/atomic-file.js';
import { UsageError } from '../../../errors.js';

export type PublicFormat = 'signet' | 'tuf' | 'pem';

export function describeKey(info: KeyInfo) {
  return {
    keyId: info.keyId,
    fingerprint: fingerprint(info.keyId),
    role: info.role,
    repository: info.repository,
    created: info.created,
    path: info.path,
    algorithm: info.algorithm,
    /** Where the private key lives: `file` (encrypted in SIGNET_HOME/keys) or `pkcs11` (on a token). */
    location: info.location,
    ...(info.pkcs11 ? { pkcs11: info.pkcs11 } : {}),
  };
}

export function publicKeyText(exported: PublicKeyExport, format: PublicFormat): string {
  switch (format) {
    case 'signet':
      return JSON.stringify(exported, null, 2) + '\n';
    case 'tuf':
      return JSON.stringify(exported.key, null, 2) + '\n';
    case 'pem':
      return publicKeyPem(exported.key);
  }
}

export function parsePublicFormat(text: string | undefined): PublicFormat {
  const format = text ?? 'signet';
  if (format !== 'signet' && format !== 'tuf' && format !== 'pem') {
    throw new UsageError('bad-option', `--format ${format}: use signet, tuf or pem`);
  }
  return format;
}

export async function writePublicKeyFile(path: string, exported: PublicKeyExport, format: PublicFormat): Promise<void> {
  await writeFileAtomic(path, publicKeyText(exported, format), { mode: 0o644 });
}
