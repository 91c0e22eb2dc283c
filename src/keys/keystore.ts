// Private keys under SIGNET_HOME/keys: one file per key, either a software
// key in the signet-key/v1 format (key-file.ts: scrypt + AES-256-GCM, public
// fields as associated data; ed25519 or ECDSA P-256) or a record of a key on a
// PKCS#11 token (token-key-file.ts: its URI, no secret). Folder 0700, files
// 0600, symlinks refused. Passphrases and PINs arrive through a callback only;
// unlocking hands out a Signer, never key bytes.

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { KeyJSON } from '../metadata/types.js';
import { generateEd25519 } from './ed25519.js';
import { generateEcdsaP256 } from './ecdsa.js';
import { keyIdOf, shortKeyId } from './key-id.js';
import { publicKeyOfSecret, softwareSigner, type Signer, type SignerProvider } from './signer.js';
import { algorithmOf, type KeyAlgorithm } from './key-schemes.js';
import { loadTokenKeys } from './token-loader.js';
import { isTokenKeyDocument, parseTokenKeyFile, serializeTokenKeyFile, TOKEN_KEY_FORMAT, type TokenKeyFile } from './token-key-file.js';
import { readFileBounded, writeFileAtomic } from '../store/atomic-file.js';
import { UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { parseImport } from './key-import.js';
import {
  checkKeyFileIntegrity,
  decryptKey,
  encryptKey,
  KeyFileTamperedError,
  parseKeyFile,
  serializeKeyFile,
  WrongPassphraseError,
  type KeyFile,
} from './key-file.js';
import { PUBLIC_KEY_FORMAT, type PublicKeyExport } from './public-key-file.js';

export { KEY_FORMAT, DEFAULT_SCRYPT, KeyFileTamperedError, WrongPassphraseError, parseKeyFile, type KeyFile } from './key-file.js';

export interface PassphraseRequest {
  keyId: string;
  role: string;
  repository: string;
  /**
   * `new` when choosing a passphrase for a key being created or re-encrypted;
   * `pin` for the user PIN of the PKCS#11 token that holds the key.
   */
  purpose: 'unlock' | 'new' | 'pin';
  /** For `pin`: the token's label, to name it in a prompt. */
  token?: string;
  /** For `pin`: the URI's pin-source (a file to read the PIN from), when it names one. */
  pinSource?: string;
}

/** Supplied by the CLI (env, file, stdin, TTY prompt); the library never prompts. */
export type PassphraseProvider = (request: PassphraseRequest) => Promise<string>;

export interface KeyInfo {
  keyId: string;
  role: string;
  repository: string;
  created: string;
  publicKey: KeyJSON;
  path: string;
  /** `ed25519`, `ecdsa-p256`, or the TUF type of a key signet cannot use. */
  algorithm: string;
  /** Where the private key lives: an encrypted file, or a PKCS#11 token (with its URI). */
  location: 'file' | 'pkcs11';
  pkcs11?: string;
}

/** What opens keys on PKCS#11 tokens; loaded only when a token key is used (keys/pkcs11/). */
export interface TokenKeys {
  open(record: TokenKeyFile, passphrases: PassphraseProvider): Promise<Signer>;
  generate(uri: string, request: PassphraseRequest, passphrases: PassphraseProvider): Promise<{ publicKey: KeyJSON; uri: string }>;
  publicKey(uri: string, request: PassphraseRequest, passphrases: PassphraseProvider): Promise<{ publicKey: KeyJSON; uri: string }>;
}

type KeyRecord = KeyFile | TokenKeyFile;

function isToken(record: KeyRecord): record is TokenKeyFile {
  return record.format === TOKEN_KEY_FORMAT;
}

export class Keystore {
  readonly dir: string;
  private readonly tokens: () => Promise<TokenKeys>;

  /** `tokens` opens PKCS#11 keys; by default keys/pkcs11/ is imported the first time one is used. */
  constructor(home: string, tokens?: () => Promise<TokenKeys>) {
    this.dir = join(home, 'keys');
    this.tokens = tokens ?? loadTokenKeys;
  }

  /** Create a new software key for `role` in `repository` (ed25519 unless asked), encrypted under a new passphrase. */
  async generate(role: string, repository: string, passphrases: PassphraseProvider, now: Date = new Date(), algorithm: KeyAlgorithm = 'ed25519'): Promise<KeyInfo> {
    const secret = algorithm === 'ed25519' ? (await generateEd25519()).seed : generateEcdsaP256().scalar;
    return this.store(algorithm, secret, role, repository, passphrases, now);
  }

  /**
   * Create an ECDSA P-256 key pair on the PKCS#11 token `uri` names (the
   * private key is generated there, sensitive and not extractable) and record
   * it in the keystore. Nothing is written when the token refuses.
   */
  async generateOnToken(uri: string, role: string, repository: string, passphrases: PassphraseProvider, now: Date = new Date()): Promise<KeyInfo> {
    checkLabel('role', role);
    checkLabel('repository', repository);
    const tokens = await this.tokens();
    const made = await tokens.generate(uri, { keyId: '', role, repository, purpose: 'pin' }, passphrases);
    return this.writeTokenRecord(made.publicKey, made.uri, role, repository, now);
  }

  /** Record an existing key on a token (made by another tool) by its URI; its public key is read from the token. */
  async importTokenKey(uri: string, labels: { role?: string; repository?: string }, passphrases: PassphraseProvider, now: Date = new Date()): Promise<KeyInfo> {
    if (!labels.role) throw new UsageError('missing-role', 'a token key carries no role: pass the role it will sign for (--role root|targets|snapshot|timestamp|<delegation>)');
    checkLabel('role', labels.role);
    checkLabel('repository', labels.repository ?? '');
    const tokens = await this.tokens();
    const found = await tokens.publicKey(uri, { keyId: '', role: labels.role, repository: labels.repository ?? '', purpose: 'pin' }, passphrases);
    return this.writeTokenRecord(found.publicKey, found.uri, labels.role, labels.repository ?? '', now);
  }

  private async writeTokenRecord(publicKey: KeyJSON, uri: string, role: string, repository: string, now: Date): Promise<KeyInfo> {
    const keyid = keyIdOf(publicKey);
    if (await this.has(keyid)) throw keyExists(keyid);
    const record: TokenKeyFile = { format: TOKEN_KEY_FORMAT, keyid, public: publicKey, role, repository, created: now.toISOString(), pkcs11: uri };
    await this.ensureDir();
    const path = this.pathOf(keyid);
    await writeFileAtomic(path, serializeTokenKeyFile(record), { mode: 0o600 });
    await fs.chmod(path, 0o600);
    return infoOf(record, path);
  }

  /**
   * Encrypt and save a software secret (generation, PKCS#8 import, passphrase
   * change); its public key is derived from it. The file is replaced
   * atomically: a reader sees the old or the new file.
   */
  private async store(algorithm: KeyAlgorithm, secret: Uint8Array, role: string, repository: string, passphrases: PassphraseProvider, now: Date): Promise<KeyInfo> {
    checkLabel('role', role);
    checkLabel('repository', repository);
    const keyJSON = await publicKeyOfSecret(algorithm, secret);
    const keyId = keyIdOf(keyJSON);
    const passphrase = await passphrases({ keyId, role, repository, purpose: 'new' });
    if (passphrase.length === 0) throw new UsageError('empty-passphrase', `refusing an empty passphrase for the ${role} key`);
    const file = await encryptKey(secret, keyJSON, keyId, role, repository, passphrase, now);
    return this.writeKeyFile(file);
  }

  /** Write a key file (already encrypted) as SIGNET_HOME/keys/<keyid>.key, 0600. */
  async writeKeyFile(file: KeyFile): Promise<KeyInfo> {
    await this.ensureDir();
    const path = this.pathOf(file.keyid);
    await writeFileAtomic(path, serializeKeyFile(file), { mode: 0o600 });
    await fs.chmod(path, 0o600);
    return infoOf(file, path);
  }

  /**
   * Import a private key: a signet key file (checked by unlocking it with its
   * passphrase, then copied unchanged) or an unencrypted PKCS#8 PEM ed25519 or
   * P-256 key (encrypted under a new passphrase, labelled with `labels`).
   * Refuses a key id the keystore already holds.
   */
  async import(bytes: Uint8Array, labels: { role?: string; repository?: string }, passphrases: PassphraseProvider, now: Date): Promise<KeyInfo> {
    const parsed = parseImport(bytes);
    if (parsed.kind === 'signet') {
      const file = parseKeyFile(bytes, 'the imported key file');
      checkKeyFileIntegrity(file, 'the imported key file');
      if (await this.has(file.keyid)) throw keyExists(file.keyid);
      // Unlocking proves the passphrase and the integrity of every field (GCM tag over the header).
      await this.decrypt(file, passphrases);
      return this.writeKeyFile(file);
    }
    const keyId = keyIdOf(await publicKeyOfSecret(parsed.algorithm, parsed.seed));
    if (await this.has(keyId)) throw keyExists(keyId);
    if (!labels.role) throw new UsageError('missing-role', 'a PKCS#8 key carries no role: pass the role it will sign for (--role root|targets|snapshot|timestamp|<delegation>)');
    return this.store(parsed.algorithm, parsed.seed, labels.role, labels.repository ?? '', passphrases, now);
  }

  /**
   * Re-encrypt a key under a new passphrase. The old passphrase is checked
   * first; when it is wrong (or the file was modified) nothing is written.
   * Labels and the creation time are kept.
   */
  async passwd(keyId: string, passphrases: PassphraseProvider): Promise<KeyInfo> {
    const file = await this.readKeyFile(this.pathOf(keyId));
    if (isToken(file)) throw tokenKeyRefused(file, 'has no passphrase: its PIN belongs to the token (change it with the token\'s own tool)');
    const { algorithm, secret } = await this.decrypt(file, passphrases);
    return this.store(algorithm, secret, file.role, file.repository, passphrases, new Date(file.created));
  }

  /** Delete a key file. Refuses a symlink; returns what was removed. */
  async remove(keyId: string): Promise<KeyInfo> {
    const path = this.pathOf(keyId);
    const info = infoOf(await this.readKeyFile(path), path);
    await fs.unlink(path);
    return info;
  }

  /** The public half of a key, with its id and labels, for `root create` and delegations. */
  async exportPublic(keyId: string): Promise<PublicKeyExport> {
    const info = await this.info(keyId);
    return { format: PUBLIC_KEY_FORMAT, keyid: info.keyId, role: info.role, repository: info.repository, key: info.publicKey };
  }

  /** The key file exactly as stored: the private key stays encrypted under its passphrase. */
  async exportEncrypted(keyId: string): Promise<Buffer> {
    const path = this.pathOf(keyId);
    const file = await this.readKeyFile(path);
    if (isToken(file)) throw tokenKeyRefused(file, 'cannot be exported: its private half never leaves the token');
    return Buffer.from(serializeKeyFile(file), 'utf8');
  }

  /**
   * The full key id for what a person typed: a full id, or a unique prefix of
   * at least 8 hex digits of a key this keystore holds.
   */
  async resolveKeyId(text: string): Promise<string> {
    const wanted = text.trim().toLowerCase().replace(/\s+/g, '');
    if (/^[0-9a-f]{64}$/.test(wanted)) return wanted;
    if (!/^[0-9a-f]{8,63}$/.test(wanted)) {
      throw new UsageError('bad-key-id', `${JSON.stringify(text)} is not a key id: give at least 8 hex digits (see \`signet key list\`)`);
    }
    const matches = (await this.listIds()).filter((id) => id.startsWith(wanted));
    if (matches.length === 1) return matches[0]!;
    if (matches.length === 0) throw new UsageError('no-such-key', `no key ${wanted} in ${this.dir}; \`signet key list\` shows the keys you have`);
    throw new UsageError('ambiguous-key-id', `${wanted} matches ${matches.length} keys (${matches.map(shortKeyId).join(', ')}); give more digits`);
  }

  async list(): Promise<KeyInfo[]> {
    const out: KeyInfo[] = [];
    for (const keyId of await this.listIds()) out.push(await this.info(keyId));
    return out;
  }

  /** Key ids of the key files in the folder (the folder is checked, the files are not read). */
  async listIds(): Promise<string[]> {
    if (!(await this.checkDir())) return [];
    const names = await fs.readdir(this.dir);
    return names.filter((n) => /^[0-9a-f]{64}\.key$/.test(n)).map((n) => n.slice(0, 64)).sort();
  }

  async has(keyId: string): Promise<boolean> {
    if (!/^[0-9a-f]{64}$/.test(keyId)) return false;
    try {
      await fs.lstat(this.pathOf(keyId));
      return true;
    } catch {
      return false;
    }
  }

  async info(keyId: string): Promise<KeyInfo> {
    return infoOf(await this.readKeyFile(this.pathOf(keyId)), this.pathOf(keyId));
  }

  /**
   * A Signer for one key: a software key is decrypted (WrongPassphraseError,
   * exit 2, on a bad passphrase or a tampered file), a token key is found on
   * its token after the PIN is given. Key bytes are never returned.
   */
  async unlock(keyId: string, passphrases: PassphraseProvider): Promise<{ signer: Signer; info: KeyInfo }> {
    return this.unlockFile(this.pathOf(keyId), passphrases);
  }

  /**
   * Unlock the key file at `path` (in this keystore or not; same checks:
   * no symlink, 0600, intact). Used by `root sign --key FILE`.
   */
  async unlockFile(path: string, passphrases: PassphraseProvider): Promise<{ signer: Signer; info: KeyInfo }> {
    const file = await this.readKeyFile(path);
    if (isToken(file)) return { signer: await (await this.tokens()).open(file, passphrases), info: infoOf(file, path) };
    const { algorithm, secret } = await this.decrypt(file, passphrases);
    return { signer: softwareSigner(algorithm, secret, file.public), info: infoOf(file, path) };
  }

  /** Decrypt a software key and check that the secret is the private half of the public key the file names. */
  private async decrypt(file: KeyFile, passphrases: PassphraseProvider): Promise<{ algorithm: KeyAlgorithm; secret: Uint8Array }> {
    const algorithm = algorithmOf(file.public);
    if (algorithm === undefined) throw new UsageError('unsupported-key-type', `key ${shortKeyId(file.keyid)} is a ${String(file.public.keytype)} key, which signet cannot use`);
    const passphrase = await passphrases({ keyId: file.keyid, role: file.role, repository: file.repository, purpose: 'unlock' });
    const secret = await decryptKey(file, passphrase);
    let derived: string;
    try {
      derived = keyIdOf(await publicKeyOfSecret(algorithm, secret));
    } catch (cause) {
      throw new WrongPassphraseError(file.keyid, cause);
    }
    if (derived !== file.keyid) throw new WrongPassphraseError(file.keyid);
    return { algorithm, secret };
  }

  /**
   * A SignerProvider over this keystore: unlocks the requested keys it holds,
   * each at most once (concurrent requests for one key share the unlock).
   */
  signerProvider(passphrases: PassphraseProvider): SignerProvider {
    const cache = new Map<string, Promise<Signer>>();
    return async (_role, keyIds) => {
      const signers: Signer[] = [];
      for (const keyId of keyIds) {
        let pending = cache.get(keyId);
        if (!pending) {
          if (!(await this.has(keyId))) continue;
          pending = cache.get(keyId) ?? this.unlock(keyId, passphrases).then((u) => u.signer);
          cache.set(keyId, pending);
          // A failed unlock may be retried by a later request (for example after a prompt).
          pending.catch(() => cache.delete(keyId));
        }
        signers.push(await pending);
      }
      return signers;
    };
  }

  pathOf(keyId: string): string {
    if (!/^[0-9a-f]{64}$/.test(keyId)) throw new UsageError('bad-key-id', `${JSON.stringify(keyId)} is not a key id (64 hex digits)`);
    return join(this.dir, `${keyId}.key`);
  }

  /** Read and check a key file: folder 0700, no symlink, 0600, well formed, key id matching its key. */
  async readKeyFile(path: string): Promise<KeyRecord> {
    await this.checkDir();
    const bytes = await readFileBounded(path, LIMITS.configFileBytes, { refuseSymlink: true });
    if (bytes === undefined) throw new UsageError('no-such-key', `no key file at ${path}; \`signet key list\` shows the keys you have`);
    const stat = await fs.stat(path);
    if ((stat.mode & 0o077) !== 0) {
      throw new UsageError('key-permissions', `${path} is readable by others (mode ${(stat.mode & 0o777).toString(8)}); run \`chmod 600 ${path}\``);
    }
    const file = parseRecord(bytes, path);
    checkKeyFileIntegrity(file, path);
    if (!path.endsWith(`${file.keyid}.key`) && path.startsWith(this.dir)) {
      throw new KeyFileTamperedError(path, `it is named for another key than the ${shortKeyId(file.keyid)} it holds`);
    }
    return file;
  }

  /**
   * The key folder must be a real directory, 0700 (no access for group or
   * others). False when it does not exist yet.
   */
  async checkDir(): Promise<boolean> {
    let stat;
    try {
      stat = await fs.lstat(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    if (stat.isSymbolicLink()) throw new UsageError('symlink-refused', `${this.dir} is a symlink; signet refuses symlinked key folders`);
    if (!stat.isDirectory()) throw new UsageError('not-a-directory', `${this.dir} is not a directory`);
    if ((stat.mode & 0o077) !== 0) {
      throw new UsageError('key-permissions', `${this.dir} is open to other users (mode ${(stat.mode & 0o777).toString(8)}); run \`chmod 700 ${this.dir}\``);
    }
    return true;
  }

  private async ensureDir(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const stat = await fs.lstat(this.dir);
    if (stat.isSymbolicLink()) throw new UsageError('symlink-refused', `${this.dir} is a symlink; signet refuses symlinked key folders`);
    await fs.chmod(this.dir, 0o700);
  }
}

function infoOf(file: KeyRecord, path: string): KeyInfo {
  const info: KeyInfo = {
    keyId: file.keyid,
    role: file.role,
    repository: file.repository,
    created: file.created,
    publicKey: file.public,
    path,
    algorithm: algorithmOf(file.public) ?? `${String(file.public.keytype)}/${String(file.public.scheme)}`,
    location: isToken(file) ? 'pkcs11' : 'file',
  };
  if (isToken(file)) info.pkcs11 = file.pkcs11;
  return info;
}

/** A software key file or a token key record; anything else is refused. */
function parseRecord(bytes: Uint8Array, path: string): KeyRecord {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return parseKeyFile(bytes, path); // reports the malformed file
  }
  return isTokenKeyDocument(doc) ? parseTokenKeyFile(doc, path) : parseKeyFile(bytes, path);
}

function tokenKeyRefused(file: TokenKeyFile, why: string): UsageError {
  return new UsageError('token-key', `key ${shortKeyId(file.keyid)} lives on a PKCS#11 token (${file.pkcs11.split('?')[0]}) and ${why}`);
}

function keyExists(keyId: string): UsageError {
  return new UsageError('key-exists', `key ${shortKeyId(keyId)} is already in the keystore; nothing was imported`);
}

/** Labels end up in messages and file headers: printable, bounded. */
function checkLabel(what: string, value: string): void {
  if (value.length > 256 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new UsageError('bad-label', `the key's ${what} label must be at most 256 printable characters`);
  }
}
