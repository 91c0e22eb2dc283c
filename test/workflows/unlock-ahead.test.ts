import { describe, expect, it } from 'vitest';
import { serialPassphrases, unlockAhead } from '../../src/workflows/unlock-ahead.js';
import type { PassphraseRequest } from '../../src/keys/keystore.js';
import type { Envelope, RootJSON } from '../../src/metadata/types.js';

const request = (keyId: string): PassphraseRequest => ({ keyId, role: 'targets', repository: 'r', purpose: 'unlock' });

describe('unlocking keys ahead of a publish', () => {
  it('asks for passphrases one at a time even when keys unlock concurrently', async () => {
    let open = 0;
    let most = 0;
    const asked: string[] = [];
    const slow = serialPassphrases(async (req) => {
      open++;
      most = Math.max(most, open);
      asked.push(req.keyId);
      await new Promise((r) => setTimeout(r, 5));
      open--;
      return `pass-${req.keyId}`;
    });
    const answers = await Promise.all(['a', 'b', 'c'].map((id) => slow(request(id))));
    expect(answers).toEqual(['pass-a', 'pass-b', 'pass-c']);
    expect(asked).toEqual(['a', 'b', 'c']);
    expect(most).toBe(1);
  });

  it('keeps answering after one request fails', async () => {
    const flaky = serialPassphrases(async (req) => {
      if (req.keyId === 'bad') throw new Error('no passphrase');
      return 'ok';
    });
    await expect(flaky(request('bad'))).rejects.toThrow('no passphrase');
    await expect(flaky(request('good'))).resolves.toBe('ok');
  });

  it('requests the targets, snapshot and timestamp keys the pinned root names, and never rejects', async () => {
    const root = { signed: { roles: { root: { keyids: ['r'], threshold: 1 }, targets: { keyids: ['t'], threshold: 1 }, snapshot: { keyids: ['s'], threshold: 1 }, timestamp: { keyids: ['ts'], threshold: 1 } } } } as unknown as Envelope<RootJSON>;
    const requested: string[] = [];
    await expect(
      unlockAhead([root], async (role, ids) => {
        requested.push(`${role}:${ids.join(',')}`);
        if (role === 'snapshot') throw new Error('locked');
        return [];
      }),
    ).resolves.toBeUndefined();
    expect(requested.sort()).toEqual(['snapshot:s', 'targets:t', 'timestamp:ts']);
  });
});
