// Checks a CA bundle (--ca-file, SSL_CERT_FILE, --tls-ca) when it is read, so
// a file with no usable certificate, or one broken block among good ones, is
// a configuration error naming the file (exit 2), not a TLS failure later (exit 3).
//
// The check runs on every command that reads a registry option group, and
// SSL_CERT_FILE usually names the system bundle (~150 certificates), so it
// is a structural one: strict base64 and the DER frame of an X.509
// certificate (SEQUENCE of tbsCertificate, signatureAlgorithm, signature,
// with every length exact). Parsing each with X509Certificate cost ~30 ms
// per process; OpenSSL parses them fully when a TLS connection needs them.

import { X509Certificate } from 'node:crypto';
import { UsageError } from '../errors.js';

const BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/g;
const MAX_CERTIFICATES = 1000;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The 1-based line of `offset` in `text` (only computed for error messages). */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** One DER element at `offset`: its tag, where its content starts, and where it ends. */
function element(der: Uint8Array, offset: number): { tag: number; start: number; end: number } {
  if (offset + 2 > der.length) throw new Error('truncated DER element');
  const tag = der[offset] as number;
  let length = der[offset + 1] as number;
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || start + bytes > der.length) throw new Error('bad DER length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (der[start + i] as number);
    start += bytes;
  }
  const end = start + length;
  if (end > der.length) throw new Error('DER length past the end of the certificate');
  return { tag, start, end };
}

/** Throws unless `der` is framed as an X.509 Certificate (RFC 5280 §4.1). */
function checkCertificateFrame(der: Uint8Array): void {
  const outer = element(der, 0);
  if (outer.tag !== 0x30 || outer.end !== der.length) throw new Error('not a DER SEQUENCE spanning the block');
  const expected = [0x30, 0x30, 0x03];
  let at = outer.start;
  for (const tag of expected) {
    const part = element(der, at);
    if (part.tag !== tag || part.end > outer.end) throw new Error('not the three parts of a certificate');
    at = part.end;
  }
  if (at !== outer.end) throw new Error('trailing bytes after the signature');
}

/**
 * The certificates of a PEM bundle, as one PEM text (other block types, such
 * as keys, are left out). With `parse`, each certificate is also parsed in
 * full (for files named with --ca-file or --tls-ca; SSL_CERT_FILE, usually
 * the system bundle read by every command, gets the structural check). Throws UsageError (code `bad-ca-file`) naming
 * `source` and the line when a block is unterminated or a CERTIFICATE block
 * is not a DER certificate, and when the bundle holds no certificate at all.
 */
export function caCertificatesFrom(text: string, source: string, options: { parse?: boolean } = {}): string {
  const out: string[] = [];
  for (const match of text.matchAll(BEGIN)) {
    const label = match[1] ?? '';
    const start = match.index ?? 0;
    const endMarker = `-----END ${label}-----`;
    const end = text.indexOf(endMarker, start);
    const nextBegin = text.indexOf('-----BEGIN ', start + match[0].length);
    if (end < 0 || (nextBegin >= 0 && nextBegin < end)) {
      throw new UsageError('bad-ca-file', `${source}: the ${label} block at line ${lineAt(text, start)} has no "${endMarker}" line; the file is damaged`);
    }
    if (label !== 'CERTIFICATE') continue;
    const body = text.slice(start + match[0].length, end).replace(/\s+/g, '');
    try {
      if (!BASE64.test(body)) throw new Error('the block is not base64');
      checkCertificateFrame(Buffer.from(body, 'base64'));
      // A file named on the command line is small: parse each certificate (OpenSSL would
      // silently drop every CA after one it cannot parse).
      if (options.parse) new X509Certificate(Buffer.from(body, 'base64'));
    } catch (cause) {
      throw new UsageError('bad-ca-file', `${source}: the certificate at line ${lineAt(text, start)} is not a valid X.509 certificate (${(cause as Error).message})`, { cause });
    }
    if (out.length >= MAX_CERTIFICATES) break;
    out.push(text.slice(start, end + endMarker.length));
  }
  if (out.length === 0) throw new UsageError('bad-ca-file', `${source} holds no PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)`);
  return `${out.join('\n')}\n`;
}
