import { renderDiagnostic, type Diagnostic } from '../codex';
import { checkFlake, writeFlake } from '../forge/sovereign';
import type { CommonPaths } from './paths';

/**
 * `lychd-forge flake [--check]`: renders flake.nix (the Sovereign path) from the Synthesis Manifest
 * and the Prime Scroll, or checks that it, and flake.lock when there is one, are current.
 */
type Sink = { write(text: string): unknown };

export function runFlake(paths: CommonPaths, check: boolean, out: Sink = process.stdout, err: Sink = process.stderr): number {
  const options = { workspaceRoot: paths.workspaceRoot, codexDir: paths.codexDir };
  const report = (diagnostics: Diagnostic[]) => {
    for (const d of diagnostics) err.write(`${renderDiagnostic(d)}\n`);
    err.write(`${diagnostics.length} problem(s); nothing was written.\n`);
    return 1;
  };
  if (check) {
    const r = checkFlake(options);
    if ('diagnostics' in r) return report(r.diagnostics);
    if (r.ok) out.write('flake.nix is current' + ' (and flake.lock, when present, is the recorded one).\n');
    else err.write(`${r.problems.join('\n')}\n`);
    return r.ok ? 0 : 1;
  }
  const r = writeFlake(options);
  if (!r.ok) return report(r.diagnostics);
  out.write(r.changed ? 'wrote flake.nix\n' : 'flake.nix is already current\n');
  return 0;
}
