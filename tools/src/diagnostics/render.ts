import * as path from 'node:path';
import type { Diagnostic } from './model';

/** Paths relative to `cwd` when below it, so terminals and editors can open them. */
export function displayPath(file: string, cwd = process.cwd()): string {
  if (!path.isAbsolute(file)) return file;
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

const indent = (text: string, by: string) => text.split('\n').join(`\n${by}`);

// C0 and C1 controls, DEL, line/paragraph separators and the bidirectional overrides that reorder what is shown.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from the input (a key, a path, a value) as it may be shown on a terminal: every character
 * that could move the cursor, clear the screen or reorder the line becomes a visible `\u{…}`.
 * `multiline` keeps the line breaks of a message made of several lines (each line is escaped).
 */
export const escapeForTerminal = (text: string, { multiline = false } = {}): string =>
  multiline
    ? text
        .split('\n')
        .map((line) => escapeForTerminal(line))
        .join('\n')
    : text.replace(UNPRINTABLE, (c) => `\\u{${c.charCodeAt(0).toString(16).padStart(4, '0')}}`);

/**
 * The one rendering of a problem, as uv and compilers write theirs: where, the kind and what on
 * the first line (`file:line:col: error[LYCHD110]: message [field]`), then why, what caused it
 * (outermost first) and how to fix it on indented lines. A message of several lines keeps them, indented.
 */
export function renderDiagnostic(d: Diagnostic, cwd = process.cwd()): string {
  const where = d.file === undefined ? '' : `${displayPath(d.file, cwd)}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ''}` : ''}: `;
  const [first, ...rest] = d.message.split('\n');
  const lines = [`${where}${d.severity}[${d.code}]: ${first}${d.field ? ` [${d.field}]` : ''}`];
  if (rest.length) lines.push(`    ${indent(rest.join('\n'), '    ')}`);
  if (d.why) lines.push(`  why: ${indent(d.why, '       ')}`);
  for (const c of d.cause ?? []) lines.push(`  caused by: ${indent(c, '             ')}`);
  if (d.hint) lines.push(`  hint: ${indent(d.hint, '        ')}`);
  // Everything in a diagnostic may quote the input: nothing in it may drive the terminal.
  return escapeForTerminal(lines.join('\n'), { multiline: true });
}

export function renderDiagnostics(diagnostics: readonly Diagnostic[], cwd = process.cwd()): string {
  return diagnostics.map((d) => renderDiagnostic(d, cwd)).join('\n');
}
