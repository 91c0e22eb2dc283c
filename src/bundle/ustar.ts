// A plain POSIX ustar archive, written and read by signet itself: regular
// files and directories only. Reading is bounded and checked: every header's
// checksum, no path leaving the archive root, no links or devices, caps on
// entry count, entry size and total size (bundles cross an air gap by hand).

import { constants, promises as fs } from 'node:fs';
import { VerificationError } from '../errors.js';

const BLOCK = 512;

export interface TarEntry {
  /** Normalised relative path (`a/b/c`), never absolute, never with `..`. */
  name: string;
  type: 'file' | 'dir';
  size: number;
  /** Byte offset of the entry's data in the archive. */
  offset: number;
}

export interface TarLimits {
  maxEntries: number;
  /** Largest single entry. */
  maxEntryBytes: number;
  /** Sum of all entry sizes. */
  maxTotalBytes: number;
}

/** What `writeTar` packs: a directory, a file copied from disk, or bytes. */
export type TarInput = { name: string; dir: true } | { name: string; path: string } | { name: string; bytes: Uint8Array };

/** Write `entries` as a ustar archive at `out` (names are `/`-separated relative paths). */
export async function writeTar(out: string, entries: readonly TarInput[]): Promise<void> {
  const handle = await fs.open(out, 'w', 0o644);
  try {
    for (const entry of entries) {
      checkName(entry.name, 'write');
      if ('dir' in entry) {
        await handle.write(header(`${entry.name}/`, 0, '5'));
        continue;
      }
      if ('bytes' in entry) {
        await handle.write(header(entry.name, entry.bytes.length, '0'));
        await handle.write(entry.bytes);
        await handle.write(padding(entry.bytes.length));
        continue;
      }
      const source = await fs.open(entry.path, constants.O_RDONLY);
      try {
        const size = (await source.stat()).size;
        await handle.write(header(entry.name, size, '0'));
        const buffer = Buffer.allocUnsafe(1024 * 1024);
        let copied = 0;
        while (copied < size) {
          const { bytesRead } = await source.read(buffer, 0, Math.min(buffer.length, size - copied), copied);
          if (bytesRead === 0) throw new Error(`${entry.path} shrank while it was archived`);
          await handle.write(buffer.subarray(0, bytesRead));
          copied += bytesRead;
        }
        await handle.write(padding(size));
      } finally {
        await source.close();
      }
    }
    await handle.write(Buffer.alloc(BLOCK * 2));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The entries of the archive at `path`, headers only (data is read with
 * `readTarEntry`). Throws VerificationError `bad-archive` for anything that
 * is not a plain, well-formed, bounded ustar archive.
 */
export async function listTar(path: string, limits: TarLimits): Promise<TarEntry[]> {
  const handle = await fs.open(path, constants.O_RDONLY);
  try {
    const archiveSize = (await handle.stat()).size;
    const entries: TarEntry[] = [];
    const seen = new Set<string>();
    const block = Buffer.alloc(BLOCK);
    let position = 0;
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(block, 0, BLOCK, position);
      if (bytesRead < BLOCK) throw bad(`${path} ends in the middle of a header (no end-of-archive marker)`);
      if (block.every((b) => b === 0)) return entries;
      const entry = parseHeader(block, position + BLOCK, path);
      if (entries.length >= limits.maxEntries) throw bad(`${path} holds more than ${limits.maxEntries} entries`);
      if (entry.size > limits.maxEntryBytes) throw bad(`${entry.name} in ${path} is ${entry.size} bytes, more than the ${limits.maxEntryBytes} allowed`);
      total += entry.size;
      if (total > limits.maxTotalBytes) throw bad(`${path} holds more than ${limits.maxTotalBytes} bytes`);
      if (entry.offset + entry.size > archiveSize) throw bad(`${entry.name} in ${path} runs past the end of the archive`);
      if (seen.has(entry.name)) throw bad(`${path} holds ${entry.name} twice`);
      seen.add(entry.name);
      entries.push(entry);
      position = entry.offset + Math.ceil(entry.size / BLOCK) * BLOCK;
    }
  } finally {
    await handle.close();
  }
}

/** The data of one entry listed by `listTar`. */
export async function readTarEntry(path: string, entry: TarEntry): Promise<Buffer> {
  const handle = await fs.open(path, constants.O_RDONLY);
  try {
    const out = Buffer.alloc(entry.size);
    const { bytesRead } = await handle.read(out, 0, entry.size, entry.offset);
    if (bytesRead !== entry.size) throw bad(`${entry.name} in ${path} is truncated`);
    return out;
  } finally {
    await handle.close();
  }
}

/** Copy one file entry's data to `target` (created, never overwritten). */
export async function extractTarEntry(path: string, entry: TarEntry, target: string): Promise<void> {
  const source = await fs.open(path, constants.O_RDONLY);
  try {
    const out = await fs.open(target, 'wx', 0o644);
    try {
      const buffer = Buffer.allocUnsafe(1024 * 1024);
      let copied = 0;
      while (copied < entry.size) {
        const { bytesRead } = await source.read(buffer, 0, Math.min(buffer.length, entry.size - copied), entry.offset + copied);
        if (bytesRead === 0) throw bad(`${entry.name} in ${path} is truncated`);
        await out.write(buffer.subarray(0, bytesRead));
        copied += bytesRead;
      }
    } finally {
      await out.close();
    }
  } finally {
    await source.close();
  }
}

function parseHeader(block: Buffer, offset: number, path: string): TarEntry {
  const stored = octal(block, 148, 8, 'checksum', path);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  if (sum !== stored) throw bad(`${path} has a header with a wrong checksum at byte ${offset - BLOCK}`);
  if (block.toString('latin1', 257, 262) !== 'ustar') throw bad(`${path} is not a ustar archive`);
  const typeflag = String.fromCharCode(block[156]!);
  const name = field(block, 0, 100);
  const prefix = field(block, 345, 155);
  let full = prefix ? `${prefix}/${name}` : name;
  let type: TarEntry['type'];
  if (typeflag === '0' || typeflag === '\0') type = 'file';
  else if (typeflag === '5') type = 'dir';
  else throw bad(`${full} in ${path} is not a regular file or directory (type ${JSON.stringify(typeflag)}); bundles hold neither links nor devices`);
  if (type === 'dir') full = full.replace(/\/$/, '');
  checkName(full, path);
  const size = octal(block, 124, 12, 'size', path);
  if (type === 'dir' && size !== 0) throw bad(`directory ${full} in ${path} has a size`);
  return { name: full, type, size, offset };
}

/** Relative, `/`-separated, no empty, `.` or `..` segment, no backslash or NUL. */
function checkName(name: string, where: string): void {
  const segments = name.split('/');
  if (name.length === 0 || name.length > 1024 || segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))) {
    throw bad(`refusing the path ${JSON.stringify(name)} in ${where}: it is empty, absolute or would leave the archive`);
  }
}

function header(name: string, size: number, typeflag: '0' | '5'): Buffer {
  const block = Buffer.alloc(BLOCK);
  let short = name;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', name.length - 2);
    prefix = name.slice(0, cut);
    short = name.slice(cut + 1);
    if (cut <= 0 || Buffer.byteLength(short) > 100 || Buffer.byteLength(prefix) > 155) throw new Error(`path too long for a ustar archive: ${name}`);
  }
  block.write(short, 0, 100, 'utf8');
  block.write(typeflag === '5' ? '0000755\0' : '0000644\0', 100, 'latin1');
  block.write('0000000\0', 108, 'latin1');
  block.write('0000000\0', 116, 'latin1');
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  block.write('00000000000\0', 136, 'latin1');
  block.write('        ', 148, 'latin1');
  block.write(typeflag, 156, 'latin1');
  block.write('ustar\0', 257, 'latin1');
  block.write('00', 263, 'latin1');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of block) sum += b;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

function field(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

function octal(block: Buffer, start: number, length: number, what: string, path: string): number {
  const text = field(block, start, length).trim();
  if (!/^[0-7]{1,11}$/.test(text)) throw bad(`${path} has a header with a malformed ${what} field`);
  return parseInt(text, 8);
}

function bad(message: string): VerificationError {
  return new VerificationError('bad-archive', message);
}
