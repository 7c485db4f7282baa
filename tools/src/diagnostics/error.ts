import type { Diagnostic } from './model';
import { renderDiagnostics } from './render';

/** A stage stopped: every problem it found, at once. Its message is their rendering. */
export class ForgeError extends Error {
  readonly diagnostics: Diagnostic[];
  readonly heading?: string;

  /** `heading`, when given, is a first line before the problems (e.g. how many there are). */
  constructor(diagnostics: Diagnostic[], heading?: string) {
    const rendered = renderDiagnostics(diagnostics);
    super(heading ? `${heading}\n${rendered}` : rendered);
    this.name = 'ForgeError';
    this.diagnostics = diagnostics;
    this.heading = heading;
  }
}

/** A failure of one thing that is not a Codex value (a folder, a lock, a tool): what, why, how to fix. */
export function failure(message: string, extra: Partial<Diagnostic> = {}): ForgeError {
  return new ForgeError([{ severity: 'error', message, ...extra }]);
}
