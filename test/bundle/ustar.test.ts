import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { listTar, readTarEntry, writeTar } from '../../src/bundle/ustar.js';
import { caught } from '../support/caught.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'signet-ustar-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const limits = { maxEntries: 100, maxEntryBytes: 1024 * 1024, maxTotalBytes: 4 * 1024 * 1024 };

/** Rewrite the name field of the first header and fix its checksum: how an attacker crafts an entry. */
async function withFirstName(source: string, name: string, typeflag?: string): Promise<string> {
  const bytes = Buffer.from(await readFile(source));
  bytes.fill(0, 0, 100);
  bytes.write(name, 0, 'utf8');
  if (typeflag) bytes.write(typeflag, 156, 'latin1');
  bytes.write('        ', 148, 'latin1');
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += bytes[i]!;
  bytes.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  const out = join(dir, `crafted-${Math.random().toString(36).slice(2)}.tar`);
  await writeFile(out, bytes);
  return out;
}

describe('ustar', () => {
  it('round-trips files and directories, long paths included, and GNU tar reads what it writes', async () => {
    const long = `images/${'a'.repeat(60)}/blobs/sha256/${'f'.repeat(64)}`;
    const out = join(dir, 'ok.tar');
    await writeTar(out, [{ name: 'trust', dir: true }, { name: 'trust/1.root.json', bytes: Buffer.from('{}') }, { name: long, bytes: Buffer.alloc(1000, 7) }]);
    const entries = await listTar(out, limits);
    expect(entries.map((e) => [e.name, e.type, e.size])).toEqual([['trust', 'dir', 0], ['trust/1.root.json', 'file', 2], [long, 'file', 1000]]);
    expect((await readTarEntry(out, entries[2]!)).equals(Buffer.alloc(1000, 7))).toBe(true);
    expect(execFileSync('tar', ['-tf', out], { encoding: 'utf8' }).trim().split('\n')).toEqual(['trust/', 'trust/1.root.json', long]);
  });

  it('reads an archive made by GNU tar in ustar format', async () => {
    await writeFile(join(dir, 'plain.txt'), 'hello');
    const out = join(dir, 'gnu.tar');
    execFileSync('tar', ['--format=ustar', '-cf', out, '-C', dir, 'plain.txt']);
    const [entry] = await listTar(out, limits);
    expect((await readTarEntry(out, entry!)).toString()).toBe('hello');
  });

  describe('refuses what a hostile bundle could carry', () => {
    let base: string;
    beforeAll(async () => {
      base = join(dir, 'base.tar');
      await writeTar(base, [{ name: 'aaaaaaaa', bytes: Buffer.from('x') }]);
    });

    it.each([['../evil'], ['/etc/passwd'], ['a/../../evil'], ['a//b'], ['a\\..\\b']])('a path that would leave the archive: %s', async (name) => {
      expect(await caught(listTar(await withFirstName(base, name), limits))).toMatchObject({ code: 'bad-archive' });
    });

    it('symlinks and hard links', async () => {
      const error = await caught(listTar(await withFirstName(base, 'link', '2'), limits));
      expect(error.message).toContain('not a regular file or directory');
      expect(await caught(listTar(await withFirstName(base, 'link', '1'), limits))).toMatchObject({ code: 'bad-archive' });
    });

    it('a header whose checksum does not match', async () => {
      const bytes = Buffer.from(await readFile(base));
      bytes[0] = 'b'.charCodeAt(0);
      const out = join(dir, 'bad-sum.tar');
      await writeFile(out, bytes);
      expect((await caught(listTar(out, limits))).message).toContain('wrong checksum');
    });

    it('entries over the size caps, and an entry running past the end', async () => {
      const big = join(dir, 'big.tar');
      await writeTar(big, [{ name: 'a', bytes: Buffer.alloc(2048) }, { name: 'b', bytes: Buffer.alloc(2048) }]);
      expect((await caught(listTar(big, { ...limits, maxEntryBytes: 1024 }))).message).toContain('more than the 1024 allowed');
      expect((await caught(listTar(big, { ...limits, maxTotalBytes: 3000 }))).message).toContain('more than 3000 bytes');
      expect((await caught(listTar(big, { ...limits, maxEntries: 1 }))).message).toContain('more than 1 entries');
      const truncated = join(dir, 'truncated.tar');
      await writeFile(truncated, (await readFile(big)).subarray(0, 1024));
      expect(await caught(listTar(truncated, limits))).toMatchObject({ code: 'bad-archive' });
    });
  });
});
