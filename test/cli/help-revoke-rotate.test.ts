import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeSignetEnv, type SignetEnv } from '../support/signet-env.js';

let s: SignetEnv;
beforeEach(async () => {
  s = await makeSignetEnv();
});
afterEach(async () => s.cleanup());

describe('help of the revoke, rotate, delegate and freshness commands', () => {
  it('shows worked examples for each', async () => {
    for (const args of [['revoke'], ['delegation'], ['timestamp'], ['status'], ['key', 'rotate'], ['key', 'revoke']]) {
      const help = await s.cli([...args, '--help']);
      expect(help.code, args.join(' ')).toBe(0);
      expect(help.stdout, args.join(' ')).toContain('Examples:');
    }
  });

  it('lists them in signet --help', async () => {
    const help = await s.cli(['--help']);
    for (const name of ['revoke', 'delegation', 'timestamp', 'status', 'key']) expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });
});
