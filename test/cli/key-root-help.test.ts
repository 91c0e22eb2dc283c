// Every key and root sub-command explains itself with worked examples.

import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';

const COMMANDS = [
  ['key', 'generate'], ['key', 'list'], ['key', 'import'], ['key', 'export'], ['key', 'passwd'], ['key', 'remove'],
  ['root', 'create'], ['root', 'sign'], ['root', 'verify'], ['root', 'rotate'], ['root', 'publish'],
];

describe('signet key and root --help', () => {
  for (const args of COMMANDS) {
    it(`signet ${args.join(' ')} --help exits 0 and shows examples`, async () => {
      const r = await runCli([...args, '--help'], { env: {} });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: signet ${args.join(' ')}`);
      expect(r.stdout).toMatch(/Examples:\n {2}\S/);
    });
  }

  it('lists the sub-commands of signet key and signet root', async () => {
    expect((await runCli(['key', '--help'])).stdout).toMatch(/generate[\s\S]*list[\s\S]*import[\s\S]*export[\s\S]*passwd[\s\S]*remove/);
    expect((await runCli(['root', '--help'])).stdout).toMatch(/create[\s\S]*sign[\s\S]*verify[\s\S]*rotate[\s\S]*publish/);
  });
});
