import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { checkBytes, checkStream, ContentCheck } from '../../src/verify/content-check.js';
import { caught } from '../support/caught.js';

const bytes = new TextEncoder().encode('signed content');
const hex = (alg: string, data: Uint8Array) => createHash(alg).update(data).digest('hex');
const signed = { length: bytes.length, hashes: { sha256: hex('sha256', bytes), sha512: hex('sha512', bytes) } };

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield new TextEncoder().encode(part);
}

describe('ContentCheck', () => {
  it('accepts the signed bytes, whole or streamed, and returns every hash it checked', async () => {
    expect(checkBytes(bytes, signed, 'x').hashes).toEqual(signed.hashes);
    expect((await checkStream(chunks('signed ', 'content'), signed, 'x')).length).toBe(bytes.length);
  });

  it('refuses trailing bytes as soon as they arrive (endless data), without reading further', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        pulled++;
        yield bytes;
      }
    }
    const error = await caught(checkStream(endless(), signed, 'file a'));
    expect(error).toMatchObject({ code: 'too-large', kind: 'invalid' });
    expect(pulled).toBe(2);
  });

  it('refuses a short read and a changed byte as target-mismatch, naming both digests', async () => {
    expect(await caught(checkStream(chunks('signed'), signed, 'x'))).toMatchObject({ code: 'target-mismatch' });
    const error = await caught(checkStream(chunks('signed contenT'), signed, 'file a'));
    expect(error).toMatchObject({ code: 'target-mismatch' });
    expect((error as Error).message).toContain(`signed sha256:${signed.hashes.sha256} (14 bytes), found sha256:`);
  });

  it('checks sha512 when it is the only hash, and any one wrong hash fails', async () => {
    expect(checkBytes(bytes, { length: bytes.length, hashes: { sha512: signed.hashes.sha512 } }, 'x').hashes.sha512).toBe(signed.hashes.sha512);
    const wrong512 = { length: bytes.length, hashes: { sha256: signed.hashes.sha256, sha512: '00' } };
    expect(() => checkBytes(bytes, wrong512, 'x')).toThrow(/signed sha512:00/);
  });

  it('refuses an entry that signs neither sha256 nor sha512', () => {
    expect(() => new ContentCheck({ length: 1, hashes: { md5: 'ab' } }, 'x')).toThrow(expect.objectContaining({ code: 'weak-target-hashes' }));
  });
});
