// ECDSA P-256 keys on PKCS#11 tokens behind the Signer interface: open a key
// the keystore recorded, generate a key pair on a token, or read the public
// key of a pair made by another tool (pkcs11-tool). The private key never
// leaves the token; the token signs a SHA-256 digest (CKM_ECDSA) and signet
// re-encodes r‖s as DER and checks the signature before handing it out.

import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import type { KeyJSON } from '../../metadata/types.js';
import { UsageError } from '../../errors.js';
import { keyIdOf, shortKeyId } from '../key-id.js';
import { ecdsaKeyJSON, verifySignature } from '../key-schemes.js';
import type { PassphraseProvider, PassphraseRequest, TokenKeys } from '../keystore.js';
import type { Signer } from '../signer.js';
import type { TokenKeyFile } from '../token-key-file.js';
import { closeModules, nameOf } from './pkcs11-module.js';
import { describePkcs11Uri, formatPkcs11Uri, parsePkcs11Uri, type Pkcs11Uri } from './pkcs11-uri.js';
import { findObjects, forgetSessions, requireMechanism, tokenSession, type TokenSession } from './token-session.js';
import { derSignature, p256Spki, P256_PARAMS, pointOf } from './ec-encoding.js';

export const tokenKeys: TokenKeys = {
  async open(record: TokenKeyFile, passphrases: PassphraseProvider): Promise<Signer> {
    const uri = parsePkcs11Uri(record.pkcs11);
    const request: PassphraseRequest = { keyId: record.keyid, role: record.role, repository: record.repository, purpose: 'pin' };
    const token = await tokenSession(uri, request, passphrases);
    const { binding } = token.module;
    requireMechanism(token, binding.CKM_ECDSA, 'ECDSA signatures (CKM_ECDSA)');
    // Searches run in the session's queue: a session has one active operation at a time.
    const privateKey = await token.run(() => onlyOne(findObjects(token, uri, binding.CKO_PRIVATE_KEY), uri, token, 'private key'));
    const signer = tokenSigner(token, privateKey, record.public);
    // The URI may now find another key than the one recorded (token re-initialised,
    // label reused): every signature is checked against the recorded public key.
    await signer.sign(Buffer.from('signet token key check'));
    return signer;
  },

  async generate(text: string, request: PassphraseRequest, passphrases: PassphraseProvider) {
    const uri = parsePkcs11Uri(text);
    const label = uri.object;
    if (label === undefined) throw new UsageError('pkcs11-bad-uri', 'to generate a key on a token the URI needs object=LABEL (the new key\'s label)');
    const token = await tokenSession(uri, request, passphrases);
    const { binding, lib } = token.module;
    requireMechanism(token, binding.CKM_EC_KEY_PAIR_GEN, 'EC key generation (CKM_EC_KEY_PAIR_GEN)');
    requireMechanism(token, binding.CKM_ECDSA, 'ECDSA signatures (CKM_ECDSA)');
    if ((await token.run(() => findObjects(token, { object: label }, binding.CKO_PRIVATE_KEY, 1))).length > 0) {
      throw new UsageError('pkcs11-key-exists', `token "${token.label}" already holds a private key labelled "${label}"; choose another object= or import it with \`signet key import '<uri>'\`; nothing was changed`);
    }
    const id = uri.id ?? randomBytes(8);
    const common = [
      { type: binding.CKA_TOKEN, value: true },
      { type: binding.CKA_LABEL, value: label },
      { type: binding.CKA_ID, value: id },
    ];
    const pair = await token.run(() => {
      try {
        return lib.C_GenerateKeyPair(
          token.session,
          { mechanism: binding.CKM_EC_KEY_PAIR_GEN },
          [...common, { type: binding.CKA_CLASS, value: binding.CKO_PUBLIC_KEY }, { type: binding.CKA_KEY_TYPE, value: binding.CKK_EC }, { type: binding.CKA_EC_PARAMS, value: P256_PARAMS }, { type: binding.CKA_VERIFY, value: true }],
          [
            ...common,
            { type: binding.CKA_CLASS, value: binding.CKO_PRIVATE_KEY },
            { type: binding.CKA_KEY_TYPE, value: binding.CKK_EC },
            { type: binding.CKA_PRIVATE, value: true },
            { type: binding.CKA_SENSITIVE, value: true },
            { type: binding.CKA_EXTRACTABLE, value: false },
            { type: binding.CKA_SIGN, value: true },
          ],
        );
      } catch (cause) {
        throw new UsageError('pkcs11-generate-failed', `token "${token.label}" refused to generate a P-256 key pair (${nameOf(cause)}); nothing was changed`, { cause });
      }
    });
    const publicKey = await token.run(() => publicKeyOfHandle(token, pair.publicKey));
    return { publicKey, uri: formatPkcs11Uri({ ...withoutType(uri), id }) };
  },

  async publicKey(text: string, request: PassphraseRequest, passphrases: PassphraseProvider) {
    const uri = parsePkcs11Uri(text);
    if (uri.object === undefined && uri.id === undefined) throw new UsageError('pkcs11-bad-uri', 'the URI names no key: add object=LABEL or id=%..');
    const token = await tokenSession(uri, request, passphrases);
    const { binding, lib } = token.module;
    requireMechanism(token, binding.CKM_ECDSA, 'ECDSA signatures (CKM_ECDSA)');
    const { privateKey, publicKey, exact } = await token.run(() => {
      const privateKey = onlyOne(findObjects(token, uri, binding.CKO_PRIVATE_KEY), uri, token, 'private key');
      const attributes = lib.C_GetAttributeValue(token.session, privateKey, [{ type: binding.CKA_ID }, { type: binding.CKA_LABEL }, { type: binding.CKA_KEY_TYPE }]);
      const keyType = attributes[2]?.value as Buffer | undefined;
      if (!keyType || keyType.readUIntLE(0, Math.min(keyType.length, 6)) !== binding.CKK_EC) {
        throw new UsageError('pkcs11-unsupported-key', `the key ${describePkcs11Uri(uri)} is not an EC key; signet uses ECDSA P-256 keys on tokens`);
      }
      const id = attributes[0]?.value as Buffer | undefined;
      const exact: Pkcs11Uri = { ...withoutType(uri) };
      if (id && id.length > 0) exact.id = Buffer.from(id);
      const publicHandle = onlyOne(findObjects(token, exact, binding.CKO_PUBLIC_KEY), exact, token, 'public key (import needs the public key object of the pair, as `pkcs11-tool --keypairgen` makes)');
      return { privateKey, publicKey: publicKeyOfHandle(token, publicHandle), exact };
    });
    // The pair must really be one: the private key signs, the public key verifies.
    const signer = tokenSigner(token, privateKey, publicKey);
    await signer.sign(Buffer.from('signet token key check'));
    return { publicKey, uri: formatPkcs11Uri(exact) };
  },
};

/** Close every token session and finalize the modules (end of a command). */
export async function closeTokens(): Promise<void> {
  forgetSessions();
  await closeModules();
}

function tokenSigner(token: TokenSession, privateKey: Buffer, publicKey: KeyJSON): Signer {
  const { binding, lib } = token.module;
  const keyId = keyIdOf(publicKey);
  const [always] = lib.C_GetAttributeValue(token.session, privateKey, [{ type: binding.CKA_ALWAYS_AUTHENTICATE }]);
  const perSignatureLogin = Buffer.isBuffer(always?.value) ? always.value[0] === 1 : always?.value === true;
  return {
    keyId,
    publicKey,
    async sign(message: Uint8Array): Promise<Uint8Array> {
      const digest = createHash('sha256').update(message).digest();
      const raw = await token.run(
        () =>
          new Promise<Buffer>((resolve, reject) => {
            try {
              lib.C_SignInit(token.session, { mechanism: binding.CKM_ECDSA }, privateKey);
              if (perSignatureLogin) token.contextLogin();
              lib.C_Sign(token.session, digest, Buffer.alloc(132), (error, data) => (error ? reject(error) : resolve(Buffer.from(data))));
            } catch (error) {
              reject(error);
            }
          }),
      ).catch((cause: unknown) => {
        throw new UsageError('pkcs11-sign-failed', `token "${token.label}" refused to sign with key ${shortKeyId(keyId)} (${nameOf(cause)}); nothing was changed`, { cause });
      });
      const der = derSignature(raw);
      if (!verifySignature(publicKey, message, der)) {
        throw new UsageError('pkcs11-key-mismatch', `the token key found for ${shortKeyId(keyId)} on token "${token.label}" is not that key (its signature does not verify); check the URI; nothing was changed`);
      }
      return der;
    },
  };
}

function publicKeyOfHandle(token: TokenSession, handle: Buffer): KeyJSON {
  const { binding, lib } = token.module;
  const [params, point] = lib.C_GetAttributeValue(token.session, handle, [{ type: binding.CKA_EC_PARAMS }, { type: binding.CKA_EC_POINT }]);
  if (!Buffer.isBuffer(params?.value) || !params.value.equals(P256_PARAMS)) {
    throw new UsageError('pkcs11-unsupported-key', `the key on token "${token.label}" is not on curve P-256; signet uses ECDSA P-256 keys on tokens`);
  }
  const raw = pointOf(point?.value as Buffer);
  return ecdsaKeyJSON(createPublicKey({ key: p256Spki(raw), format: 'der', type: 'spki' }));
}

function onlyOne(handles: Buffer[], uri: Pkcs11Uri, token: TokenSession, what: string): Buffer {
  if (handles.length === 1) return handles[0]!;
  if (handles.length === 0) throw new UsageError('pkcs11-key-not-found', `no ${what} matching ${describePkcs11Uri(uri)} on token "${token.label}"; list its objects with \`pkcs11-tool --module MODULE --token-label LABEL --login --list-objects\`; nothing was changed`);
  throw new UsageError('pkcs11-key-ambiguous', `${handles.length} objects match ${describePkcs11Uri(uri)} on token "${token.label}"; add id= to the URI`);
}

function withoutType(uri: Pkcs11Uri): Pkcs11Uri {
  const { type: _type, ...rest } = uri;
  return rest;
}
