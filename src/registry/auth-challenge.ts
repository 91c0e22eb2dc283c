// Parse a `WWW-Authenticate` header (RFC 9110 11.6.1) into its scheme and
// parameters, as the distribution token protocol uses them:
// https://distribution.github.io/distribution/spec/auth/token/

export interface Challenge {
  /** Lower-cased scheme: `basic` or `bearer` (others are refused by the caller). */
  scheme: string;
  /** Parameters by lower-cased name (realm, service, scope, error). */
  params: Map<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

/**
 * The challenges in a header, in order. Tolerant of spacing; a malformed
 * parameter ends parsing of what follows (the caller then finds no realm).
 */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let rest = header.trim();
  let current: Challenge | undefined;
  while (rest.length > 0) {
    const word = TOKEN.exec(rest)?.[0];
    if (!word) break;
    const after = rest.slice(word.length).trimStart();
    if (after.startsWith('=') && current) {
      // name=value parameter of the current challenge
      let value: string;
      let tail = after.slice(1).trimStart();
      if (tail.startsWith('"')) {
        let i = 1;
        value = '';
        while (i < tail.length && tail[i] !== '"') {
          if (tail[i] === '\\' && i + 1 < tail.length) i++;
          value += tail[i];
          i++;
        }
        tail = tail.slice(i + 1);
      } else {
        const token = TOKEN.exec(tail)?.[0] ?? '';
        value = token;
        tail = tail.slice(token.length);
      }
      current.params.set(word.toLowerCase(), value);
      rest = tail.trimStart().replace(/^,\s*/, '');
    } else {
      current = { scheme: word.toLowerCase(), params: new Map() };
      challenges.push(current);
      rest = after.replace(/^,\s*/, '');
    }
  }
  return challenges;
}
