import { describe, expect, it } from 'vitest';
import { nameForTag, tagForName, LEASE_TAG } from '../../src/store/oci-tags.js';
import { metadataFileName } from '../../src/store/metadata-store.js';

const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

describe('trust file names as registry tags', () => {
  it('keeps plain names readable behind the signet. prefix', () => {
    expect(tagForName('timestamp.json')).toBe('signet.timestamp.json');
    expect(tagForName('3.root.json')).toBe('signet.3.root.json');
  });

  it('encodes the characters role names may contain, including % and _, and decodes them back', () => {
    for (const role of ['team/app', 'bins_0a', 'ünïcode', 'a b+c~d*e', '%41', 'x_5fy']) {
      const name = metadataFileName(role, 7);
      const tag = tagForName(name);
      expect(tag).toMatch(TAG);
      expect(nameForTag(tag)).toBe(name);
    }
    expect(tagForName(metadataFileName('team/app', 2))).toBe('signet.2.team_252Fapp.json');
  });

  it('never maps two names to one tag', () => {
    const names = ['1.a_b.json', '1.a%5Fb.json', '1.a_5fb.json', '1.a.b.json'];
    const tags = new Set(names.map(tagForName));
    expect(tags.size).toBe(names.length);
  });

  it('ignores image tags, the lease and malformed escapes', () => {
    for (const tag of ['latest', '1.0', LEASE_TAG, 'signet.x_zz.json', 'signet.x_4.json', 'signet.a_41.json']) {
      expect(nameForTag(tag)).toBeUndefined();
    }
  });

  it('refuses a role name too long for a tag', () => {
    expect(() => tagForName(metadataFileName('r'.repeat(130), 1))).toThrow(/128/);
  });
});
