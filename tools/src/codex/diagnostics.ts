import * as path from 'node:path';

/** One problem found in the Codex, pointing at the file, line and column it is about. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  /** Absolute path of the file the problem is in. */
  file: string;
  /** 1-based line and column; 1:1 when a problem concerns a whole file. */
  line: number;
  column: number;
  message: string;
  /** Dotted field path inside the file, e.g. `secret_env_files.HF_TOKEN_FILE`. */
  field?: string;
  /** Why it is a problem, when the message alone does not say. */
  why?: string;
  /** How to fix it, when there is something better to say than the message. */
  hint?: string;
}

export type Position = { line: number; column: number };

export function error(file: string, at: Position, message: string, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { severity: 'error', file, line: at.line, column: at.column, message, ...extra };
}

export function warning(file: string, at: Position, message: string, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { severity: 'warning', file, line: at.line, column: at.column, message, ...extra };
}

export const START: Position = { line: 1, column: 1 };

/** Files, then lines, then columns: the order an editor's problem list uses. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.message.localeCompare(b.message),
  );
}

/** Paths relative to the current directory when below it, so terminals and editors can open them. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** `<path>:<line>:<col>: <severity>: <message> [field] (hint)`, one line per problem. */
export function formatDiagnostic(d: Diagnostic, cwd = process.cwd()): string {
  const field = d.field ? ` [${d.field}]` : '';
  const hint = d.hint ? ` (hint: ${d.hint})` : '';
  return `${displayPath(d.file, cwd)}:${d.line}:${d.column}: ${d.severity}: ${d.message}${field}${hint}`;
}

export function hasErrors(diagnostics: Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
