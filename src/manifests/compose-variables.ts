// Compose interpolation for image values (`image: ${REGISTRY}/app:${TAG:-1.0}`),
// as `docker compose` does it (compose-spec "Interpolation"): `$VAR`, `${VAR}`,
// `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`,
// `${VAR:?message}`, `${VAR?message}`, `$$` for a literal `$`; defaults may
// hold further `${…}`. Values come from the environment first, then the `.env`
// file beside the Compose file. Where compose would substitute an empty string
// for an unset variable (with a warning), signet refuses: a deploy check must
// not guess which image was meant.

import { UsageError } from '../errors.js';

export type VariableLookup = (name: string) => string | undefined;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const MAX_DEPTH = 8;

/** `value` with every variable replaced. Throws UsageError (`compose-variable`) naming `where` and the variable. */
export function interpolate(value: string, lookup: VariableLookup, where: string, depth = 0): string {
  if (depth > MAX_DEPTH) throw new UsageError('compose-variable', `${where}: variables nested more than ${MAX_DEPTH} deep`);
  let out = '';
  let i = 0;
  while (i < value.length) {
    const dollar = value.indexOf('$', i);
    if (dollar < 0) return out + value.slice(i);
    out += value.slice(i, dollar);
    const next = value[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '{') {
      const end = closingBrace(value, dollar + 2, where);
      out += braced(value.slice(dollar + 2, end), lookup, where, depth);
      i = end + 1;
    } else {
      const name = NAME.exec(value.slice(dollar + 1))?.[0];
      if (!name) throw new UsageError('compose-variable', `${where}: a "$" that starts no variable (write "$$" for a literal "$")`);
      out += required(name, lookup, where);
      i = dollar + 1 + name.length;
    }
  }
  return out;
}

/** Whether `value` holds a variable (anything compose would interpolate). */
export function hasVariables(value: string): boolean {
  return value.includes('$');
}

function closingBrace(value: string, from: number, where: string): number {
  let depth = 1;
  for (let i = from; i < value.length; i++) {
    if (value[i] === '$' && value[i + 1] === '{') {
      depth++;
      i++;
    } else if (value[i] === '}' && --depth === 0) return i;
  }
  throw new UsageError('compose-variable', `${where}: "\${" without its closing "}"`);
}

function braced(body: string, lookup: VariableLookup, where: string, depth: number): string {
  const name = NAME.exec(body)?.[0];
  if (!name) throw new UsageError('compose-variable', `${where}: "\${${body}}" does not start with a variable name`);
  const rest = body.slice(name.length);
  if (rest === '') return required(name, lookup, where);
  const op = /^(:?[-+?])/.exec(rest)?.[1];
  if (!op) throw new UsageError('compose-variable', `${where}: "\${${body}}" is not a Compose variable expression`);
  const arg = () => interpolate(rest.slice(op.length), lookup, where, depth + 1);
  const value = lookup(name);
  const set = op.startsWith(':') ? value !== undefined && value !== '' : value !== undefined;
  switch (op.replace(':', '')) {
    case '-':
      return set ? value! : arg();
    case '+':
      return set ? arg() : '';
    default: {
      if (set) return value!;
      const message = rest.slice(op.length);
      throw new UsageError('compose-variable', `${where}: ${name} is ${value === undefined ? 'not set' : 'empty'}${message ? `: ${message}` : ''}`);
    }
  }
}

function required(name: string, lookup: VariableLookup, where: string): string {
  const value = lookup(name);
  if (value === undefined) {
    throw new UsageError('compose-variable', `${where}: ${name} is not set; set it in the environment or in .env beside the Compose file (compose would use an empty string, signet does not guess)`);
  }
  return value;
}

/**
 * The variables of a `.env` file, as compose reads them: `NAME=value` lines,
 * `#` comments, blank lines, an optional `export ` prefix, values in single
 * quotes (literal) or double quotes (with \n, \t, \\ and \" escapes), and an
 * inline ` #` comment after an unquoted value.
 */
export function parseDotEnv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim().replace(/^export\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const name = line.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) continue;
    let value = line.slice(eq + 1).trim();
    if (value.startsWith("'") && value.indexOf("'", 1) > 0) value = value.slice(1, value.indexOf("'", 1));
    else if (value.startsWith('"') && /^"((?:[^"\\]|\\.)*)"/.test(value)) {
      value = /^"((?:[^"\\]|\\.)*)"/.exec(value)![1]!.replace(/\\([nt"\\])/g, (_m, c: string) => ({ n: '\n', t: '\t', '"': '"', '\\': '\\' })[c]!);
    } else value = value.replace(/\s+#.*$/, '');
    out.set(name, value);
  }
  return out;
}
