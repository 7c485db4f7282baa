import * as path from 'node:path';
import type { Diagnostic } from '../diagnostics';
import { problemDiagnostic } from './problems';
import { checkInputs } from './synthesize';

/**
 * The synthesis rules `validate` reports with the Codex's own: every problem of the core's and
 * the extensions' manifests that synthesis would stop on, found without running a tool. The
 * Prime Scroll's `extensions.active` is left to the Codex loader, which reports it already.
 */
export function synthesisInputDiagnostics(workspaceRoot: string): Diagnostic[] {
  return checkInputs(workspaceRoot)
    .problems.filter((p) => p.field !== 'extensions.active')
    .map((p) => ({ ...problemDiagnostic(p), file: path.join(workspaceRoot, p.file) }));
}
