// One session per token per process: find the token an RFC 7512 URI names,
// log in once with the user PIN (asked through the passphrase callback, never
// retried), find key objects, and run Cryptoki operations one at a time (a
// session must not interleave C_SignInit/C_Sign of two callers).

import { UsageError } from '../../errors.js';
import type { PassphraseProvider, PassphraseRequest } from '../keystore.js';
import { codeOf, nameOf, openModule, type LoadedModule } from './pkcs11-module.js';
import { describeToken, type Pkcs11Uri } from './pkcs11-uri.js';

type Handle = Buffer;

export interface TokenSession {
  module: LoadedModule;
  slot: Handle;
  session: Handle;
  label: string;
  loggedIn: boolean;
  /**
   * The context-specific login a key with CKA_ALWAYS_AUTHENTICATE needs
   * between C_SignInit and C_Sign (YubiKey PIV slot 9c), with the PIN given
   * for this session; call it inside `run`.
   */
  contextLogin(): void;
  /** Runs `op` after every earlier operation on this session finished. */
  run<T>(op: () => Promise<T> | T): Promise<T>;
}

const sessions = new Map<string, Promise<TokenSession>>();

/** The logged-in session of the token `uri` names (opened and logged in on first use). */
export async function tokenSession(uri: Pkcs11Uri, request: PassphraseRequest, passphrases: PassphraseProvider): Promise<TokenSession> {
  if (!uri.modulePath) {
    throw new UsageError('pkcs11-no-module', `the PKCS#11 URI names no module: add ?module-path=/path/to/module.so (for SoftHSM: /usr/lib/softhsm/libsofthsm2.so)`);
  }
  const module = await openModule(uri.modulePath);
  const slot = findSlot(module, uri);
  const key = `${module.path}\u0000${slot.toString('hex')}`;
  let pending = sessions.get(key);
  if (!pending) {
    pending = openSession(module, slot, uri, request, passphrases);
    sessions.set(key, pending);
    pending.catch(() => sessions.delete(key));
  }
  return pending;
}

/** Forget every session (the caller finalizes the modules, which closes them). */
export function forgetSessions(): void {
  sessions.clear();
}

function findSlot(module: LoadedModule, uri: Pkcs11Uri): Handle {
  const { lib } = module;
  const present: Array<{ slot: Handle; label: string; serial: string }> = [];
  for (const slot of lib.C_GetSlotList(true)) {
    const info = lib.C_GetTokenInfo(slot);
    // An uninitialised token (SoftHSM always offers one) holds no keys.
    if (!(info.flags & module.binding.CKF_TOKEN_INITIALIZED)) continue;
    present.push({ slot, label: info.label.trimEnd(), serial: info.serialNumber.trimEnd() });
    const matches =
      (uri.token === undefined || info.label.trimEnd() === uri.token) &&
      (uri.serial === undefined || info.serialNumber.trimEnd() === uri.serial) &&
      (uri.manufacturer === undefined || info.manufacturerID.trimEnd() === uri.manufacturer) &&
      (uri.model === undefined || info.model.trimEnd() === uri.model) &&
      (uri.slotId === undefined || slot.readUIntLE(0, Math.min(slot.length, 6)) === uri.slotId);
    if (matches) present[present.length - 1]!.label += '\u0000match';
  }
  const matching = present.filter((p) => p.label.endsWith('\u0000match'));
  const names =
    present
      .map((p) => p.label.replace(/\u0000match$/, ''))
      .filter((label) => label !== '')
      .map((label) => JSON.stringify(label))
      .join(', ') || 'none';
  if (matching.length === 0) {
    throw new UsageError('pkcs11-token-not-present', `${describeToken(uri)} is not present in ${module.path} (tokens present: ${names}); insert the token or fix the URI; nothing was changed`);
  }
  if (matching.length > 1 && uri.token === undefined && uri.serial === undefined) {
    throw new UsageError('pkcs11-token-ambiguous', `the URI matches ${matching.length} tokens (${names}); add token= or serial=`);
  }
  return matching[0]!.slot;
}

async function openSession(module: LoadedModule, slot: Handle, uri: Pkcs11Uri, request: PassphraseRequest, passphrases: PassphraseProvider): Promise<TokenSession> {
  const { lib, binding } = module;
  const info = lib.C_GetTokenInfo(slot);
  const label = info.label.trimEnd();
  if (info.flags & binding.CKF_USER_PIN_LOCKED) {
    throw new UsageError('pkcs11-pin-locked', `the user PIN of token "${label}" is locked; unlock it with the security officer PIN (the token's own tool); nothing was changed`);
  }
  const session = lib.C_OpenSession(slot, binding.CKF_SERIAL_SESSION | binding.CKF_RW_SESSION);
  let queue: Promise<unknown> = Promise.resolve();
  const state: TokenSession = {
    module,
    slot,
    session,
    label,
    loggedIn: false,
    contextLogin: () => {
      throw new UsageError('pkcs11-login-failed', `a key on token "${label}" asks for the PIN at every signature, but the token needed no login`);
    },
    run: (op) => {
      const result = queue.then(op);
      queue = result.catch(() => undefined);
      return result;
    },
  };
  if (info.flags & binding.CKF_LOGIN_REQUIRED) {
    const pinRequest: PassphraseRequest = { ...request, purpose: 'pin', token: label };
    if (uri.pinSource !== undefined) pinRequest.pinSource = uri.pinSource;
    const pin = await passphrases(pinRequest);
    login(module, slot, session, label, pin, binding.CKU_USER);
    state.loggedIn = true;
    // Kept for the command's lifetime only (this session closes when the command ends).
    state.contextLogin = () => login(module, slot, session, label, pin, binding.CKU_CONTEXT_SPECIFIC);
  }
  return state;
}

/** C_Login as the user, once. A wrong PIN is reported with what the token says about tries left; never retried. */
function login(module: LoadedModule, slot: Handle, session: Handle, label: string, pin: string, userType: number): void {
  const { lib, binding } = module;
  try {
    lib.C_Login(session, userType, pin);
  } catch (cause) {
    const code = codeOf(cause);
    if (code === binding.CKR_USER_ALREADY_LOGGED_IN) return;
    try {
      lib.C_CloseSession(session);
    } catch {
      // the session is useless either way
    }
    if (code === binding.CKR_PIN_INCORRECT || code === binding.CKR_PIN_INVALID || code === binding.CKR_PIN_LEN_RANGE) {
      const flags = lib.C_GetTokenInfo(slot).flags;
      const left =
        flags & binding.CKF_USER_PIN_LOCKED
          ? 'the token now reports the PIN locked'
          : flags & binding.CKF_USER_PIN_FINAL_TRY
            ? 'the token reports ONE try left before the PIN locks'
            : flags & binding.CKF_USER_PIN_COUNT_LOW
              ? 'the token reports few tries left'
              : 'the token does not report a low try count';
      throw new UsageError('pkcs11-wrong-pin', `wrong PIN for token "${label}" (${left}); signet does not retry; nothing was changed`, { cause });
    }
    if (code === binding.CKR_PIN_LOCKED) {
      throw new UsageError('pkcs11-pin-locked', `the user PIN of token "${label}" is locked; unlock it with the security officer PIN; nothing was changed`, { cause });
    }
    throw new UsageError('pkcs11-login-failed', `logging in to token "${label}" failed (${nameOf(cause)}); nothing was changed`, { cause });
  }
}

/** Object handles of `objectClass` matching the URI's object label and id (at most `max`). */
export function findObjects(token: TokenSession, uri: Pkcs11Uri, objectClass: number, max = 2): Handle[] {
  const { lib, binding } = token.module;
  const template: Array<{ type: number; value: number | boolean | string | Buffer }> = [{ type: binding.CKA_CLASS, value: objectClass }];
  if (uri.object !== undefined) template.push({ type: binding.CKA_LABEL, value: uri.object });
  if (uri.id !== undefined) template.push({ type: binding.CKA_ID, value: uri.id });
  lib.C_FindObjectsInit(token.session, template);
  try {
    return lib.C_FindObjects(token.session, max);
  } finally {
    lib.C_FindObjectsFinal(token.session);
  }
}

/** The mechanisms of the token, to refuse one that cannot sign ECDSA before trying. */
export function requireMechanism(token: TokenSession, mechanism: number, what: string): void {
  const { lib } = token.module;
  if (!lib.C_GetMechanismList(token.slot).includes(mechanism)) {
    throw new UsageError('pkcs11-mechanism-unsupported', `token "${token.label}" cannot do ${what}; signet uses ECDSA P-256 keys on tokens; nothing was changed`);
  }
}
