// Names in human output come from signed metadata that others wrote (target
// names, Notary tags, role names): one helper makes them printable so that no
// name can start a new line, a new column or steer the terminal.

/** C0 controls (tab, newline, ESC…), DEL, C1 controls, line/paragraph separators, bidi overrides and isolates. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every control character escaped (`\n` → `\x0a`, U+202E →
 * `\u{202e}`), so a line of output stays one line and its tab-separated
 * columns stay the columns the CLI wrote. Printable text is unchanged.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.codePointAt(0) ?? 0;
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
