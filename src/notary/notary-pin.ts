// How a Notary collection's first root is trusted: a pinned root certificate
// (PEM file), pinned key ids (certificate id or canonical key id, as `notary
// key list` prints them), or trust on first use only when the user asks.

import { X509Certificate } from 'node:crypto';
import { UsageError } from '../errors.js';
import { parseCertificateBundle } from './notary-keys.js';

export type NotaryPin =
  | { kind: 'certificate'; certificates: X509Certificate[] }
  | { kind: 'key-id'; keyIds: string[] }
  | { kind: 'tofu' };

const KEY_ID = /^[0-9a-f]{64}$/;

/** A pin from a PEM file's text (one or more root certificates). */
export function certificatePin(pem: string, source: string): NotaryPin {
  let certificates: X509Certificate[];
  try {
    certificates = parseCertificateBundle(pem);
  } catch (cause) {
    throw new UsageError('notary-bad-pin', `${source} is not a PEM certificate`, { cause });
  }
  if (certificates.length === 0) throw new UsageError('notary-bad-pin', `${source} holds no PEM certificate`);
  return { kind: 'certificate', certificates };
}

/** A pin from key ids (64 hex digits each). */
export function keyIdPin(keyIds: readonly string[]): NotaryPin {
  const ids = keyIds.map((id) => id.trim().toLowerCase());
  const bad = ids.find((id) => !KEY_ID.test(id));
  if (bad !== undefined || ids.length === 0) {
    throw new UsageError('notary-bad-pin', `"${bad ?? ''}" is not a Notary key id (64 hex digits, as \`notary key list\` prints)`);
  }
  return { kind: 'key-id', keyIds: ids };
}

/** Pick the pin from CLI-level choices; exactly one is required. */
export function choosePin(options: { certificatePem?: { text: string; source: string }; keyIds?: readonly string[]; tofu?: boolean }): NotaryPin {
  const chosen = [options.certificatePem !== undefined, (options.keyIds?.length ?? 0) > 0, options.tofu === true].filter(Boolean).length;
  if (chosen !== 1) {
    throw new UsageError(
      'notary-pin-required',
      'pin the Notary root: --root-cert <pem> (the root certificate) or --root-key-id <id> (from `notary key list`);' +
        ' --trust-on-first-use accepts whatever root the server sends and is meant only for a first look',
    );
  }
  if (options.certificatePem) return certificatePin(options.certificatePem.text, options.certificatePem.source);
  if (options.keyIds && options.keyIds.length > 0) return keyIdPin(options.keyIds);
  return { kind: 'tofu' };
}

export function describePin(pin: NotaryPin): string {
  switch (pin.kind) {
    case 'certificate':
      return `pinned certificate ${pin.certificates.map((c) => c.fingerprint256).join(', ')}`;
    case 'key-id':
      return `pinned key id ${pin.keyIds.map((id) => id.slice(0, 12)).join(', ')}`;
    case 'tofu':
      return 'trust on first use';
  }
}
