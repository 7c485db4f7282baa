import { ForgeError, type Code, type Diagnostic } from '../diagnostics';
import { problemDiagnostic, type SynthesisProblem } from '../synthesis/problems';

/**
 * Something the image stages cannot build, in the Forge's one error model: the summary, and every
 * located problem (`file:line: field`) when there are any.
 */
export function imageFailure(
  code: Code,
  summary: string,
  problems: readonly SynthesisProblem[] = [],
  extra: Pick<Diagnostic, 'cause' | 'hint'> = {},
): ForgeError {
  const diagnostics: Diagnostic[] = problems.length
    ? problems.map(problemDiagnostic)
    : [{ severity: 'error', code, message: summary, ...extra }];
  return new ForgeError(diagnostics, problems.length ? summary : undefined);
}

/** The last lines of a tool's output: what a `caused by:` line shows of a failed step. */
export const lastLines = (output: string, n = 15): string => output.trimEnd().split('\n').slice(-n).join('\n');
