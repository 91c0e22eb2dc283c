import { describe, it, expect } from 'vitest';
import { progressBar, renderBar } from '../../src/cli/progress-bar.js';

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, columns: 80, chunks, write: (c: string) => chunks.push(c) };
}

describe('the bulk progress bar', () => {
  it('draws nothing when stderr is not a terminal', () => {
    const stream = fakeStream(false);
    const bar = progressBar(stream, 'signing', {});
    bar.update(1, 2);
    bar.update(2, 2);
    bar.finish();
    expect(stream.chunks).toEqual([]);
  });

  it('draws counts on a terminal and clears the line when finished', () => {
    const stream = fakeStream(true);
    let t = 0;
    const bar = progressBar(stream, 'signing', {}, () => (t += 1000));
    bar.update(5, 10);
    bar.update(10, 10);
    bar.finish();
    expect(stream.chunks[0]).toContain('5/10');
    expect(stream.chunks[1]).toContain('10/10');
    expect(stream.chunks.at(-1)).toBe('\r\x1b[2K');
  });

  it('uses no colour escapes when NO_COLOR is set', () => {
    expect(renderBar('verifying', 3, 4, 80, false)).toBe(`verifying [${'#'.repeat(30)}${'-'.repeat(10)}] 3/4`);
    expect(renderBar('verifying', 3, 4, 80, true)).toContain('\x1b[32m');
    const stream = fakeStream(true);
    progressBar(stream, 'x', { NO_COLOR: '1' }).update(1, 1);
    expect(stream.chunks[0]).not.toContain('\x1b[32m');
  });

  it('skips redraws that come faster than the refresh interval', () => {
    const stream = fakeStream(true);
    const bar = progressBar(stream, 'signing', {}, () => 0);
    for (let i = 1; i < 100; i++) bar.update(i, 100);
    expect(stream.chunks).toHaveLength(1);
  });
});
