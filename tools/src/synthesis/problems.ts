import { ForgeError, type Code, type Diagnostic } from '../diagnostics';
import { byCodePoint } from '../shared/order';

/** One thing wrong with the synthesis inputs, located as precisely as we can. */
export interface SynthesisProblem {
  code: Code;
  /** Workspace-relative path of the file at fault. */
  file: string;
  /** 1-based line, when the problem can be pinned to one. */
  line?: number;
  /** The field (dotted TOML/JSON path) at fault. */
  field: string;
  message: string;
  fix: string;
}

/** A synthesis problem in the Forge's one error model. */
export function problemDiagnostic(p: SynthesisProblem): Diagnostic {
  // `(file)` marks a problem with the whole file: it has no field to name.
  return {
    severity: 'error',
    code: p.code,
    file: p.file,
    line: p.line,
    field: p.field === '(file)' ? undefined : p.field,
    message: p.message,
    hint: p.fix,
  };
}

/** Carries every problem found, so one run reports all of them at once. */
export class SynthesisError extends ForgeError {
  readonly problems: SynthesisProblem[];

  constructor(problems: SynthesisProblem[]) {
    const sorted = [...problems].sort(compareProblems);
    super(sorted.map(problemDiagnostic), `synthesis failed with ${sorted.length} problem${sorted.length === 1 ? '' : 's'}:`);
    this.name = 'SynthesisError';
    this.problems = sorted;
  }
}

function compareProblems(a: SynthesisProblem, b: SynthesisProblem): number {
  return byCodePoint(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || byCodePoint(a.field, b.field);
}

/** Throws when anything was collected; stages call this before touching the disk. */
export function throwIfAny(problems: SynthesisProblem[]): void {
  if (problems.length > 0) throw new SynthesisError(problems);
}
