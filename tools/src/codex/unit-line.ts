/**
 * What one line of a unit file may hold, as podman's quadlet parser reads it
 * (pkg/systemd/parser/unitfile.go): each line is trimmed with Go's
 * `strings.TrimSpace`, i.e. every character of `unicode.IsSpace`, and a line that
 * then ends in `\` is joined with the next one. systemd trims only ASCII
 * whitespace, so this rule covers it too.
 */

/** Go's `unicode.IsSpace`: the characters the quadlet parser trims from both ends of a line. */
export const UNIT_SPACE =
  '\t\n\v\f\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

/** Characters that end a line for systemd or podman, or drive a terminal: C0, DEL, C1, line and paragraph separators. */
// eslint-disable-next-line no-control-regex
export const UNIT_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const isSpace = (c: string) => UNIT_SPACE.includes(c);

/** The text as the parser keeps it: without the whitespace it trims from either end. */
export function trimUnitSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isSpace(s[start]!)) start++;
  while (end > start && isSpace(s[end - 1]!)) end--;
  return s.slice(start, end);
}

/** Whether a line ending in this text would be joined with the next line. */
export const continuesLine = (s: string): boolean => trimUnitSpace(s).endsWith('\\');
