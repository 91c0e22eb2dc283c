// Compose interpolation of image values, as `docker compose` does it, except
// that an unset variable is refused instead of becoming an empty string.

import { describe, expect, it } from 'vitest';
import { interpolate, parseDotEnv } from '../../src/manifests/compose-variables.js';

const vars: Record<string, string> = { REGISTRY: 'registry.example.com:5000', TAG: '1.2', EMPTY: '' };
const lookup = (name: string) => (Object.hasOwn(vars, name) ? vars[name] : undefined);
const i = (value: string) => interpolate(value, lookup, 'compose.yaml:3 compose/web');

describe('interpolate', () => {
  it.each([
    ['$REGISTRY/app:$TAG', 'registry.example.com:5000/app:1.2'],
    ['${REGISTRY}/app:${TAG}', 'registry.example.com:5000/app:1.2'],
    ['app:${MISSING:-latest}', 'app:latest'],
    ['app:${EMPTY:-latest}', 'app:latest'],
    ['app:${EMPTY-latest}', 'app:'],
    ['app:${MISSING-${TAG}}', 'app:1.2'],
    ['app${TAG:+-tagged}', 'app-tagged'],
    ['app${MISSING:+-tagged}', 'app'],
    ['app:${TAG:?set TAG}', 'app:1.2'],
    ['price$$tag', 'price$tag'],
    ['no-variables', 'no-variables'],
  ])('%s -> %s', (value, expected) => {
    expect(i(value)).toBe(expected);
  });

  it.each([
    ['app:$MISSING', /compose\.yaml:3 compose\/web: MISSING is not set; set it in the environment or in \.env/],
    ['app:${MISSING}', /MISSING is not set/],
    ['app:${MISSING:?give the release tag}', /MISSING is not set: give the release tag/],
    ['app:${EMPTY:?give the release tag}', /EMPTY is empty: give the release tag/],
    ['app:${TAG', /"\$\{" without its closing "\}"/],
    ['app:${1TAG}', /does not start with a variable name/],
    ['app:${TAG/x/y}', /is not a Compose variable expression/],
    ['app:$ x', /a "\$" that starts no variable/],
  ])('refuses %s', (value, message) => {
    expect(() => i(value)).toThrow(message);
    try {
      i(value);
    } catch (error) {
      expect((error as { code: string }).code).toBe('compose-variable');
    }
  });
});

describe('parseDotEnv', () => {
  it('reads compose .env lines', () => {
    const env = parseDotEnv(['# registry for prod', 'REGISTRY=registry.example.com', 'export TAG=1.2 # pinned', "QUOTED='a # b'", 'ESC="x\\ty"', '', 'not a line', '=nothing'].join('\n'));
    expect(Object.fromEntries(env)).toEqual({ REGISTRY: 'registry.example.com', TAG: '1.2', QUOTED: 'a # b', ESC: 'x\ty' });
  });
});
