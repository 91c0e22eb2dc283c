// Trust in a Notary root (notaryproject/notary `trustpinning`): root keys are
// x509 certificates whose CN must be the GUN and that must be valid now; the
// first root must match the pin, later roots must be signed by the previous
// root's keys and by their own (root rotation).

import type { X509Certificate } from 'node:crypto';
import { VerificationError } from '../errors.js';
import { shortKeyId } from '../keys/key-id.js';
import type { NotaryEnvelope, NotaryKeyJSON, NotaryRootJSON } from './notary-metadata.js';
import { canonicalNotaryKeyId, commonNameOf, isSha1Signed, notaryKeyId, parseNotaryKey } from './notary-keys.js';
import type { NotaryPin } from './notary-pin.js';
import { requireNotaryThreshold, type NotaryRoleKeys } from './notary-signatures.js';

const DAY_MS = 86_400_000;

/** The root keys of `root` usable for `gun`: x509 leaf certificates with a matching CN, valid at `now` (when given). */
export function rootCertificateKeys(root: NotaryRootJSON, gun: string, now: Date | undefined): { keys: Map<string, NotaryKeyJSON>; problems: string[] } {
  const keys = new Map<string, NotaryKeyJSON>();
  const problems: string[] = [];
  const entry = Object.hasOwn(root.roles, 'root') ? root.roles['root'] : undefined;
  for (const id of entry?.keyids ?? []) {
    const key = Object.hasOwn(root.keys, id) ? root.keys[id] : undefined;
    const parsed = key ? parseNotaryKey(key) : undefined;
    if (!key || !parsed?.certificates) {
      problems.push(`root key ${shortKeyId(id)} is not an x509 certificate`);
      continue;
    }
    // Notary takes the one certificate that is not a CA as the leaf (trustpinning parseAllCerts).
    const leaves = parsed.certificates.filter((c) => !c.ca);
    const leaf = leaves[0];
    if (leaves.length !== 1 || !leaf) {
      problems.push(`root key ${shortKeyId(id)} holds ${leaves.length} leaf certificates (CA:FALSE), not exactly one; notary refuses it too`);
      continue;
    }
    const cn = commonNameOf(leaf);
    if (cn === undefined || !commonNameMatches(cn, gun)) {
      problems.push(`root certificate ${shortKeyId(id)} has CN ${JSON.stringify(cn ?? '')}, not the GUN ${JSON.stringify(gun)}`);
      continue;
    }
    if (isSha1Signed(leaf)) {
      problems.push(`root certificate ${shortKeyId(id)} is signed with SHA-1, which Notary refuses`);
      continue;
    }
    if (parsed.algorithm === 'rsa' && (parsed.keyObject.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
      problems.push(`root certificate ${shortKeyId(id)} has an RSA key shorter than 2048 bits`);
      continue;
    }
    if (now && !validAt(leaf, now)) {
      problems.push(`root certificate ${shortKeyId(id)} is not valid at ${now.toISOString()} (valid ${leaf.validFrom} to ${leaf.validTo})`);
      continue;
    }
    keys.set(id, key);
  }
  return { keys, problems };
}

/** Notary allows a CN ending in `*` to cover every GUN with that prefix. */
export function commonNameMatches(cn: string, gun: string): boolean {
  if (cn.endsWith('*')) return gun.startsWith(cn.replace(/\*+$/, ''));
  return cn === gun;
}

/** Notary gives a day of leeway on notBefore, none on notAfter. */
function validAt(certificate: X509Certificate, now: Date): boolean {
  const from = Date.parse(certificate.validFrom);
  const to = Date.parse(certificate.validTo);
  return Number.isFinite(from) && Number.isFinite(to) && from - DAY_MS <= now.getTime() && now.getTime() <= to;
}

function matchesPin(key: NotaryKeyJSON, pin: NotaryPin): boolean {
  switch (pin.kind) {
    case 'tofu':
      return true;
    case 'key-id':
      return pin.keyIds.includes(notaryKeyId(key)) || pin.keyIds.includes(canonicalNotaryKeyId(key) ?? '');
    case 'certificate': {
      const leaf = parseNotaryKey(key)?.certificates?.[0];
      return leaf !== undefined && pin.certificates.some((c) => c.raw.equals(leaf.raw));
    }
  }
}

/**
 * Verify the first root of a collection against the pin. Returns the key ids
 * that signed it and the anchor: the sorted canonical ids of the root keys
 * that match the pin (the same whichever id spelling or certificate renewal
 * pinned them). Throws VerificationError with the reason (CN, expiry, pin,
 * signatures) otherwise.
 */
export function verifyBootstrapRoot(envelope: NotaryEnvelope<NotaryRootJSON>, gun: string, pin: NotaryPin, now: Date): { signers: string[]; anchor: string[] } {
  const root = envelope.signed;
  const { keys, problems } = rootCertificateKeys(root, gun, now);
  if (keys.size === 0) {
    const code = problems.some((p) => p.includes(' has CN ')) ? 'notary-root-cn' : 'notary-root-certificate';
    throw new VerificationError(code, `root of ${gun} has no usable root certificate: ${problems.join('; ') || 'the root role lists no keys'}`);
  }
  const pinned = new Map([...keys].filter(([, key]) => matchesPin(key, pin)));
  if (pinned.size === 0) {
    const offered = [...keys].map(([id, key]) => `${id} (canonical ${canonicalNotaryKeyId(key) ?? '?'})`).join(', ');
    throw new VerificationError(
      'notary-root-not-pinned',
      `root of ${gun} is signed by certificate(s) ${offered}, none of which matches the pin; if the root key was rotated legitimately, pin the new certificate`,
    );
  }
  const signers = requireNotaryThreshold(envelope, { role: 'root', keys: pinned, threshold: thresholdOf(root) }, gun);
  const anchor = [...new Set([...pinned].map(([id, key]) => canonicalNotaryKeyId(key) ?? id))].sort();
  return { signers, anchor };
}

/**
 * Verify `next` as a rotation of the trusted `previous` root: a higher
 * version, signed by a threshold of the previous root keys (not checked for
 * expiry, as Notary does) and by a threshold of its own valid root keys.
 */
export function verifyRotatedRoot(previous: NotaryRootJSON, envelope: NotaryEnvelope<NotaryRootJSON>, gun: string, now: Date): string[] {
  const next = envelope.signed;
  if (next.version <= previous.version) {
    throw new VerificationError('notary-rollback', `root of ${gun} is version ${next.version}, not newer than the trusted version ${previous.version}`);
  }
  const old: NotaryRoleKeys = { role: `root (as trusted by version ${previous.version})`, keys: rootCertificateKeys(previous, gun, undefined).keys, threshold: thresholdOf(previous) };
  requireNotaryThreshold(envelope, old, gun);
  const own = rootCertificateKeys(next, gun, now);
  if (own.keys.size === 0) {
    throw new VerificationError('notary-root-certificate', `root version ${next.version} of ${gun} has no usable root certificate: ${own.problems.join('; ')}`);
  }
  return requireNotaryThreshold(envelope, { role: `root version ${next.version}`, keys: own.keys, threshold: thresholdOf(next) }, gun);
}

function thresholdOf(root: NotaryRootJSON): number {
  return Object.hasOwn(root.roles, 'root') ? (root.roles['root']?.threshold ?? 0) : 0;
}
