// RFC 7512 PKCS#11 URIs (https://www.rfc-editor.org/rfc/rfc7512): which token
// (label, serial, manufacturer, model, slot id), which key (object label, id)
// and, in the query, which module and where the PIN comes from. A PIN in the
// URI itself (pin-value) is refused: URIs end up in argv, logs and key records.

import { UsageError } from '../../errors.js';

export interface Pkcs11Uri {
  token?: string;
  manufacturer?: string;
  serial?: string;
  model?: string;
  slotId?: number;
  object?: string;
  /** CKA_ID bytes. */
  id?: Buffer;
  type?: string;
  modulePath?: string;
  pinSource?: string;
}

const PATH_ATTRIBUTES = new Set(['token', 'manufacturer', 'serial', 'model', 'slot-id', 'object', 'id', 'type', 'library-manufacturer', 'library-description', 'library-version', 'slot-description', 'slot-manufacturer']);
const QUERY_ATTRIBUTES = new Set(['module-path', 'module-name', 'pin-source', 'pin-value']);

export function parsePkcs11Uri(text: string): Pkcs11Uri {
  if (!text.startsWith('pkcs11:')) throw badUri(text, 'it does not start with "pkcs11:"');
  if (text.length > 4096) throw badUri('(too long)', 'it is longer than 4096 characters');
  const rest = text.slice('pkcs11:'.length);
  const q = rest.indexOf('?');
  const path = q === -1 ? rest : rest.slice(0, q);
  const query = q === -1 ? '' : rest.slice(q + 1);
  const uri: Pkcs11Uri = {};
  const seen = new Set<string>();
  for (const [part, separator, allowed] of [[path, ';', PATH_ATTRIBUTES], [query, '&', QUERY_ATTRIBUTES]] as const) {
    if (part === '') continue;
    for (const pair of part.split(separator)) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw badUri(text, `"${pair}" is not name=value`);
      const name = pair.slice(0, eq).toLowerCase();
      if (!allowed.has(name) && !name.startsWith('x-')) throw badUri(text, `it has an unknown attribute "${name}"`);
      if (seen.has(name)) throw badUri(text, `"${name}" appears twice`);
      seen.add(name);
      const raw = pair.slice(eq + 1);
      if (name === 'pin-value') {
        throw new UsageError('pkcs11-pin-in-uri', 'refusing a PKCS#11 URI with pin-value: a PIN in a URI ends up in argv and files; use SIGNET_PKCS11_PIN, a pin-source file, or the prompt');
      }
      if (name === 'id') {
        uri.id = percentBytes(raw, text);
        continue;
      }
      const value = percentBytes(raw, text).toString('utf8');
      if (name === 'token') uri.token = value;
      else if (name === 'manufacturer') uri.manufacturer = value;
      else if (name === 'serial') uri.serial = value;
      else if (name === 'model') uri.model = value;
      else if (name === 'object') uri.object = value;
      else if (name === 'type') uri.type = value;
      else if (name === 'module-path') uri.modulePath = value;
      else if (name === 'pin-source') uri.pinSource = value;
      else if (name === 'slot-id') {
        if (!/^[0-9]{1,10}$/.test(value)) throw badUri(text, 'slot-id is not a number');
        uri.slotId = Number(value);
      }
    }
  }
  if (uri.type !== undefined && !['private', 'public', 'cert'].includes(uri.type)) throw badUri(text, `type=${uri.type} does not name a key`);
  return uri;
}

/** The canonical URI signet records for a key: token, object, id, module and pin-source (never a PIN). */
export function formatPkcs11Uri(uri: Pkcs11Uri): string {
  const path: string[] = [];
  if (uri.token !== undefined) path.push(`token=${encode(uri.token)}`);
  if (uri.serial !== undefined) path.push(`serial=${encode(uri.serial)}`);
  if (uri.slotId !== undefined) path.push(`slot-id=${uri.slotId}`);
  if (uri.object !== undefined) path.push(`object=${encode(uri.object)}`);
  if (uri.id !== undefined) path.push(`id=${[...uri.id].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')}`);
  const query: string[] = [];
  if (uri.modulePath !== undefined) query.push(`module-path=${encode(uri.modulePath)}`);
  if (uri.pinSource !== undefined) query.push(`pin-source=${encode(uri.pinSource)}`);
  return `pkcs11:${path.join(';')}${query.length > 0 ? `?${query.join('&')}` : ''}`;
}

/** The token a URI names, for messages. */
export function describeToken(uri: Pkcs11Uri): string {
  if (uri.token !== undefined) return `token "${uri.token}"`;
  if (uri.serial !== undefined) return `the token with serial ${uri.serial}`;
  return uri.slotId !== undefined ? `the token in slot ${uri.slotId}` : 'a token';
}

/** What a person reads: token and object, without the module path. */
export function describePkcs11Uri(uri: Pkcs11Uri): string {
  const parts = [uri.token !== undefined ? `token "${uri.token}"` : uri.serial !== undefined ? `token serial ${uri.serial}` : 'the token'];
  if (uri.object !== undefined) parts.push(`object "${uri.object}"`);
  if (uri.id !== undefined) parts.push(`id ${uri.id.toString('hex')}`);
  return parts.join(', ');
}

function encode(value: string): string {
  return value.replace(/[^A-Za-z0-9\-._~:/[\]@!$'()*+,]/g, (c) => [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}

function percentBytes(raw: string, text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '%') {
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw badUri(text, `"%${hex}" is not a percent-escape`);
      out.push(parseInt(hex, 16));
      i += 2;
    } else {
      out.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(out);
}

function badUri(text: string, why: string): UsageError {
  // The URI carries no secret (pin-value is refused before any message quotes it).
  return new UsageError('pkcs11-bad-uri', `not a usable PKCS#11 URI (RFC 7512): ${why}; example: "pkcs11:token=signet;object=targets?module-path=/usr/lib/softhsm/libsofthsm2.so"`);
}
