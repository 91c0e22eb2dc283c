import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addPolicyEntry, matchPolicy, readPolicy, scopeMatches } from '../../src/policy/trust-policy.js';

describe('trust policy scopes', () => {
  it('match * within a path segment and ** across segments', () => {
    expect(scopeMatches('team/*', 'team/app')).toBe(true);
    expect(scopeMatches('team/*', 'team/app/sub')).toBe(false);
    expect(scopeMatches('team/**', 'team/app/sub')).toBe(true);
    expect(scopeMatches('app', 'app')).toBe(true);
    expect(scopeMatches('app', 'apps')).toBe(false);
    expect(scopeMatches('a.b/*', 'aXb/c')).toBe(false);
  });

  it('resolve relative paths against the policy file and keep file order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'signet-policy-'));
    try {
      const path = join(dir, 'policy.json');
      await addPolicyEntry(path, { scope: 'team/*', store: 'trust-a', root: 'roots/a.json' });
      await addPolicyEntry(path, { scope: '**', store: '/srv/b', root: '/roots/b.json' });
      const policy = await readPolicy(path);
      expect(matchPolicy(policy, 'team/app')).toEqual({ scope: 'team/*', store: join(dir, 'trust-a'), root: join(dir, 'roots/a.json') });
      expect(matchPolicy(policy, 'other/app')?.store).toBe('/srv/b');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a symlinked or malformed policy file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'signet-policy-'));
    try {
      await writeFile(join(dir, 'real.json'), '{"version":1,"trust":[]}');
      await symlink(join(dir, 'real.json'), join(dir, 'link.json'));
      await expect(readPolicy(join(dir, 'link.json'))).rejects.toThrow(/symlink/);
      await writeFile(join(dir, 'bad.json'), '{"version":2}');
      await expect(readPolicy(join(dir, 'bad.json'))).rejects.toThrow(/not a signet trust policy/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
