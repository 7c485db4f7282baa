import { byCodePoint } from '../shared/order';
import type { Code } from './codes';

/**
 * The Forge's one error model. Every problem any stage finds (a Codex value, a value the Scribe
 * cannot write, a synthesis input, a Binding Site that cannot be used) is a Diagnostic: what is
 * wrong, where (file, line, column, field), why it matters, and how to fix it. Stages that stop
 * throw a ForgeError (error.ts) carrying every diagnostic they found; `renderDiagnostic`
 * (render.ts) is the one place they become text, and `reportFailure` (handle.ts) the one handler
 * of the CLI and the Nx tasks.
 */
export interface Diagnostic {
  severity: 'error' | 'warning';
  /** The kind of problem (codes.ts): stable, so it can be searched for and looked up in docs/errors.md. */
  code: Code;
  /** The file the problem is in: absolute, or relative to the workspace; none for a problem of no file. */
  file?: string;
  /** 1-based line and column, when the problem can be pinned to them. */
  line?: number;
  column?: number;
  /** What is wrong; may run over several lines (a tool's own explanation). */
  message: string;
  /** Dotted field path inside the file, e.g. `secret_env_files.HF_TOKEN_FILE`. */
  field?: string;
  /** Why it is a problem, when the message alone does not say. */
  why?: string;
  /** What lies beneath it, outermost first: a tool's own error, the system's. */
  cause?: readonly string[];
  /** How to fix it. */
  hint?: string;
}

/** A diagnostic that is sure to have a place, as the Codex loader's always do. */
export type LocatedDiagnostic = Diagnostic & { file: string; line: number; column: number };

export type Position = { line: number; column: number };

export const START: Position = { line: 1, column: 1 };

export function error(code: Code, file: string, at: Position, message: string, extra: Partial<Diagnostic> = {}): LocatedDiagnostic {
  return { severity: 'error', code, file, line: at.line, column: at.column, message, ...extra };
}

export function warning(code: Code, file: string, at: Position, message: string, extra: Partial<Diagnostic> = {}): LocatedDiagnostic {
  return { severity: 'warning', code, file, line: at.line, column: at.column, message, ...extra };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Files, then lines, then columns: the order an editor's problem list uses; file-less problems last. */
export function sortDiagnostics<D extends Diagnostic>(diagnostics: readonly D[]): D[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.file === undefined ? 1 : 0) - (b.file === undefined ? 1 : 0) ||
      byCodePoint(a.file ?? '', b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      byCodePoint(a.field ?? '', b.field ?? '') ||
      byCodePoint(a.message, b.message),
  );
}
