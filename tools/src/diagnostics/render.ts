import * as path from 'node:path';
import type { Diagnostic } from './model';

/** Paths relative to `cwd` when below it, so terminals and editors can open them. */
export function displayPath(file: string, cwd = process.cwd()): string {
  if (!path.isAbsolute(file)) return file;
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

const indent = (text: string, by: string) => text.split('\n').join(`\n${by}`);

/**
 * The one rendering of a problem, as uv and compilers write theirs: what and where on the first
 * line (`file:line:col: error: message [field]`, which editors' problem matchers read), then why
 * and how to fix it on indented lines. A message of several lines keeps them, indented.
 */
export function renderDiagnostic(d: Diagnostic, cwd = process.cwd()): string {
  const where = d.file === undefined ? '' : `${displayPath(d.file, cwd)}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ''}` : ''}: `;
  const [first, ...rest] = d.message.split('\n');
  const lines = [`${where}${d.severity}: ${first}${d.field ? ` [${d.field}]` : ''}`];
  if (rest.length) lines.push(`    ${indent(rest.join('\n'), '    ')}`);
  if (d.why) lines.push(`  why: ${indent(d.why, '       ')}`);
  if (d.hint) lines.push(`  fix: ${indent(d.hint, '       ')}`);
  return lines.join('\n');
}

export function renderDiagnostics(diagnostics: readonly Diagnostic[], cwd = process.cwd()): string {
  return diagnostics.map((d) => renderDiagnostic(d, cwd)).join('\n');
}
