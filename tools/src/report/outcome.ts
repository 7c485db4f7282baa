import type { Diagnostic } from '../diagnostics';

/** A file (or a folder) that is not what the inputs produce: why, what brings it up to date, and how it differs. */
export interface Drift {
  file: string;
  /** What is wrong and what to run, after the file's name: `differs from …; run …`. */
  reason: string;
  /** A unified diff (found → expected), when both sides are known. */
  diff?: string;
}

/**
 * What a command or a task did, as a value: the command line and the Nx tasks return one and hand
 * it to the one printer (print.ts), so that both say the same thing the same way.
 */
export interface Outcome {
  ok: boolean;
  /** Every problem found: errors on stderr, warnings on stdout. */
  diagnostics?: readonly Diagnostic[];
  /** What was found or done, one line each (`wrote flake.nix`): on stdout. */
  lines?: readonly string[];
  /** What a check found not current, each with its diff: on stderr. */
  drift?: readonly Drift[];
  /** The last line, what it all comes to: on stdout when ok, on stderr when not. */
  summary?: string;
}

/**
 * A check's outcome (`bind --check`, `synthesize --check`, `containerfile --check`, `flake --check`):
 * `current` when nothing drifted, else every drifted file, each saying what brings it up to date.
 */
export function checked(drift: readonly Drift[], current: string): Outcome {
  if (drift.length === 0) return { ok: true, summary: current };
  return { ok: false, drift, summary: `not current: ${[...new Set(drift.map((d) => d.file))].join(', ')}` };
}

/** The problems that stopped a command before it wrote anything; `subject` is what they were found in. */
export function refused(subject: string, diagnostics: readonly Diagnostic[]): Outcome {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return {
    ok: false,
    diagnostics,
    summary: `${subject}: ${errors} error(s), ${diagnostics.length - errors} warning(s); nothing was written.`,
  };
}
