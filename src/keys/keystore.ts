// Private keys at rest under SIGNET_HOME/keys: one file per key in the
// signet-key/v1 format (key-file.ts: scrypt + AES-256-GCM, public fields as
// associated data). Folder 0700, files 0600, symlinks refused; generate,
// import, export, passwd, remove. Passphrases arrive through a callback only.

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { KeyJSON } from '../metadata/types.js';
import { ed25519KeyJSON, generateEd25519, publicKeyOf } from './ed25519.js';
import { keyIdOf, shortKeyId } from './key-id.js';
import { ed25519Signer, type Signer, type SignerProvider } from './signer.js';
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
  /** `new` when choosing a passphrase for a key being created or re-encrypted. */
  purpose: 'unlock' | 'new';
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
}

export class Keystore {
  readonly dir: string;

  constructor(home: string) {
    this.dir = join(home, 'keys');
  }

  /** Create a new ed25519 key for `role` in `repository`, encrypted under a new passphrase. */
  async generate(role: string, repository: string, passphrases: PassphraseProvider, now: Date = new Date()): Promise<KeyInfo> {
    const { seed, publicKey } = await generateEd25519();
    return this.store(seed, publicKey, role, repository, passphrases, now);
  }

  /**
   * Encrypt and save a seed (generation, PKCS#8 import, passphrase change).
   * The file is replaced atomically: a reader sees the old or the new file.
   */
  async store(seed: Uint8Array, publicKey: Uint8Array, role: string, repository: string, passphrases: PassphraseProvider, now: Date): Promise<KeyInfo> {
    checkLabel('role', role);
    checkLabel('repository', repository);
    const keyJSON = ed25519KeyJSON(publicKey);
    const keyId = keyIdOf(keyJSON);
    const passphrase = await passphrases({ keyId, role, repository, purpose: 'new' });
    if (passphrase.length === 0) throw new UsageError('empty-passphrase', `refusing an empty passphrase for the ${role} key`);
    const file = await encryptKey(seed, keyJSON, keyId, role, repository, passphrase, now);
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
   * passphrase, then copied unchanged) or an unencrypted PKCS#8 PEM ed25519
   * key (encrypted under a new passphrase, labelled with `labels`).
   * Refuses a key id the keystore already holds.
   */
  async import(bytes: Uint8Array, labels: { role?: string; repository?: string }, passphrases: PassphraseProvider, now: Date): Promise<KeyInfo> {
    const parsed = parseImport(bytes);
    if (parsed.kind === 'signet') {
      const file = parseKeyFile(bytes, 'the imported key file');
      checkKeyFileIntegrity(file, 'the imported key file');
      if (await this.has(file.keyid)) throw keyExists(file.keyid);
      // Unlocking proves the passphrase and the integrity of every field (GCM tag over the header).
      const passphrase = await passphrases({ keyId: file.keyid, role: file.role, repository: file.repository, purpose: 'unlock' });
      const seed = await decryptKey(file, passphrase);
      if (keyIdOf(ed25519KeyJSON(await publicKeyOf(seed))) !== file.keyid) throw new WrongPassphraseError(file.keyid);
      return this.writeKeyFile(file);
    }
    const publicKey = await publicKeyOf(parsed.seed);
    const keyId = keyIdOf(ed25519KeyJSON(publicKey));
    if (await this.has(keyId)) throw keyExists(keyId);
    if (!labels.role) throw new UsageError('missing-role', 'a PKCS#8 key carries no role: pass the role it will sign for (--role root|targets|snapshot|timestamp|<delegation>)');
    return this.store(parsed.seed, publicKey, labels.role, labels.repository ?? '', passphrases, now);
  }

  /**
   * Re-encrypt a key under a new passphrase. The old passphrase is checked
   * first; when it is wrong (or the file was modified) nothing is written.
   * Labels and the creation time are kept.
   */
  async passwd(keyId: string, passphrases: PassphraseProvider): Promise<KeyInfo> {
    const { seed, info } = await this.unlock(keyId, passphrases);
    const publicKey = await publicKeyOf(seed);
    return this.store(seed, publicKey, info.role, info.repository, passphrases, new Date(info.created));
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

  /** Decrypt one key. Throws WrongPassphraseError (exit 2) on a bad passphrase or a tampered file. */
  async unlock(keyId: string, passphrases: PassphraseProvider): Promise<{ signer: Signer; seed: Uint8Array; info: KeyInfo }> {
    return this.unlockFile(this.pathOf(keyId), passphrases);
  }

  /**
   * Decrypt the key file at `path` (in this keystore or not; same checks:
   * no symlink, 0600, intact). Used by `root sign --key FILE`.
   */
  async unlockFile(path: string, passphrases: PassphraseProvider): Promise<{ signer: Signer; seed: Uint8Array; info: KeyInfo }> {
    const file = await this.readKeyFile(path);
    const passphrase = await passphrases({ keyId: file.keyid, role: file.role, repository: file.repository, purpose: 'unlock' });
    const seed = await decryptKey(file, passphrase);
    const publicKey = await publicKeyOf(seed);
    if (keyIdOf(ed25519KeyJSON(publicKey)) !== file.keyid) throw new WrongPassphraseError(file.keyid);
    return { signer: ed25519Signer(seed, publicKey), seed, info: infoOf(file, path) };
  }

  /** A SignerProvider over this keystore: unlocks the requested keys it holds. */
  signerProvider(passphrases: PassphraseProvider): SignerProvider {
    const cache = new Map<string, Signer>();
    return async (_role, keyIds) => {
      const signers: Signer[] = [];
      for (const keyId of keyIds) {
        const cached = cache.get(keyId);
        if (cached) {
          signers.push(cached);
        } else if (await this.has(keyId)) {
          const { signer } = await this.unlock(keyId, passphrases);
          cache.set(keyId, signer);
          signers.push(signer);
        }
      }
      return signers;
    };
  }

  pathOf(keyId: string): string {
    if (!/^[0-9a-f]{64}$/.test(keyId)) throw new UsageError('bad-key-id', `${JSON.stringify(keyId)} is not a key id (64 hex digits)`);
    return join(this.dir, `${keyId}.key`);
  }

  /** Read and check a key file: folder 0700, no symlink, 0600, well formed, key id matching its key. */
  async readKeyFile(path: string): Promise<KeyFile> {
    await this.checkDir();
    const bytes = await readFileBounded(path, LIMITS.configFileBytes, { refuseSymlink: true });
    if (bytes === undefined) throw new UsageError('no-such-key', `no key file at ${path}; \`signet key list\` shows the keys you have`);
    const stat = await fs.stat(path);
    if ((stat.mode & 0o077) !== 0) {
      throw new UsageError('key-permissions', `${path} is readable by others (mode ${(stat.mode & 0o777).toString(8)}); run \`chmod 600 ${path}\``);
    }
    const file = parseKeyFile(bytes, path);
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

function infoOf(file: KeyFile, path: string): KeyInfo {
  return { keyId: file.keyid, role: file.role, repository: file.repository, created: file.created, publicKey: file.public, path };
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
