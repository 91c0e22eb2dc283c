// Checks a CA bundle (--ca-file, SSL_CERT_FILE, --tls-ca) when it is read, so
// a file with no usable certificate, or one broken block among good ones, is
// a configuration error naming the file (exit 2), not a TLS failure later (exit 3).

import { X509Certificate } from 'node:crypto';
import { UsageError } from '../errors.js';

const BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/g;
const MAX_CERTIFICATES = 1000;

/**
 * The certificates of a PEM bundle, as one PEM text (other block types, such
 * as keys, are left out). Throws UsageError (code `bad-ca-file`) naming
 * `source` and the line when a block is unterminated or a CERTIFICATE block
 * does not parse, and when the bundle holds no certificate at all.
 */
export function caCertificatesFrom(text: string, source: string): string {
  const out: string[] = [];
  for (const match of text.matchAll(BEGIN)) {
    const label = match[1] ?? '';
    const start = match.index ?? 0;
    const line = text.slice(0, start).split('\n').length;
    const endMarker = `-----END ${label}-----`;
    const end = text.indexOf(endMarker, start);
    const nextBegin = text.indexOf('-----BEGIN ', start + match[0].length);
    if (end < 0 || (nextBegin >= 0 && nextBegin < end)) {
      throw new UsageError('bad-ca-file', `${source}: the ${label} block at line ${line} has no "${endMarker}" line; the file is damaged`);
    }
    if (label !== 'CERTIFICATE') continue;
    const block = text.slice(start, end + endMarker.length);
    try {
      new X509Certificate(block);
    } catch (cause) {
      throw new UsageError('bad-ca-file', `${source}: the certificate at line ${line} is not a valid X.509 certificate (${(cause as Error).message})`, { cause });
    }
    if (out.length >= MAX_CERTIFICATES) break;
    out.push(block);
  }
  if (out.length === 0) throw new UsageError('bad-ca-file', `${source} holds no PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)`);
  return `${out.join('\n')}\n`;
}
