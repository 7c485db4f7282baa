import { ForgeError, type Code, type Diagnostic } from '../diagnostics';
import { problemDiagnostic, type SynthesisProblem } from '../synthesis/problems';

/**
 * Something the image stages cannot build, in the Forge's one error model: the summary, and every
 * located problem (`file:line: field`) when there are any.
 */
export function imageFailure(code: Code, summary: string, problems: readonly SynthesisProblem[] = []): ForgeError {
  const diagnostics: Diagnostic[] = problems.length ? problems.map(problemDiagnostic) : [{ severity: 'error', code, message: summary }];
  return new ForgeError(diagnostics, problems.length ? summary : undefined);
}

export type { SynthesisProblem as ForgeProblem } from '../synthesis/problems';
