import { describe, expect, it } from 'vitest';
import { RegistryLease, type LeaseCell } from '../../src/store/registry-lease.js';

/** An in-memory lease cell with a chosen write latency (the write lands at the end). */
function memoryCell(writeMs = 0): LeaseCell & { value?: Uint8Array; writes: number } {
  const cell: LeaseCell & { value?: Uint8Array; writes: number } = {
    writes: 0,
    read: async () => cell.value,
    write: async (bytes) => {
      await new Promise((r) => setTimeout(r, writeMs));
      cell.value = bytes;
      cell.writes++;
    },
  };
  return cell;
}

const docOf = (cell: { value?: Uint8Array }) => JSON.parse(Buffer.from(cell.value!).toString()) as { token?: string; free?: boolean };

describe('the registry publish lease', () => {
  it('lets one holder at a time in, and hands the lease back afterwards', async () => {
    const cell = memoryCell();
    let inside = 0;
    let most = 0;
    await Promise.all(
      [1, 2, 3].map(() =>
        new RegistryLease(cell, { location: 'mem', settleMs: 20 }).withLease(async (lock) => {
          inside++;
          most = Math.max(most, inside);
          await new Promise((r) => setTimeout(r, 15));
          await lock.confirm();
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(docOf(cell).free).toBe(true);
  });

  it('does not claim the lease when its own write was slower than the settle time allows', async () => {
    const cell = memoryCell(30);
    const lease = new RegistryLease(cell, { location: 'mem', settleMs: 20, waitMs: 300 });
    let ran = false;
    await expect(lease.withLease(async () => void (ran = true))).rejects.toMatchObject({ code: 'store-locked' });
    expect(ran).toBe(false);
    expect(docOf(cell).free).toBe(true);
  });

  it('fails confirm (lock-lost) when another writer replaced the lease', async () => {
    const cell = memoryCell();
    const lease = new RegistryLease(cell, { location: 'mem', settleMs: 10 });
    await expect(
      lease.withLease(async (lock) => {
        cell.value = Buffer.from(JSON.stringify({ token: 'intruder', ttlMs: 60_000 }));
        await lock.confirm();
      }),
    ).rejects.toMatchObject({ code: 'lock-lost' });
    expect(docOf(cell).token).toBe('intruder');
  });

  it('never takes a live holder\'s lease before its TTL has passed', async () => {
    const cell = memoryCell();
    cell.value = Buffer.from(JSON.stringify({ token: 'busy', host: 'another-host', pid: 1, ttlMs: 600_000 }));
    await expect(new RegistryLease(cell, { location: 'mem', settleMs: 10, waitMs: 200 }).withLease(async () => undefined)).rejects.toMatchObject({ code: 'store-locked' });
    expect(docOf(cell).token).toBe('busy');
  });

  it('takes over a lease that has not changed for longer than its TTL (a holder that died elsewhere)', async () => {
    const cell = memoryCell();
    cell.value = Buffer.from(JSON.stringify({ token: 'stuck', host: 'another-host', pid: 1, ttlMs: 50 }));
    expect(await new RegistryLease(cell, { location: 'mem', settleMs: 10, waitMs: 10_000 }).withLease(async () => 'ran')).toBe('ran');
  });
});
