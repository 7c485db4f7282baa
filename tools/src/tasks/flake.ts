import * as path from 'node:path';
import { renderDiagnostic, type Diagnostic } from '../codex';
import { checkFlake, writeFlake } from '../forge/sovereign';
import type { Task } from './task';

export interface FlakeTaskOptions {
  codexDir: string;
  check?: boolean;
}

/** `forge:flake` / `forge:flake-check`: the same as `lychd-forge flake [--check]`. */
export const flake: Task<FlakeTaskOptions> = (options, root) => {
  const args = { workspaceRoot: root, codexDir: path.join(root, options.codexDir) };
  const report = (diagnostics: Diagnostic[]) => {
    for (const d of diagnostics) console.error(renderDiagnostic(d, root));
    return false;
  };
  if (options.check) {
    const r = checkFlake(args);
    if ('diagnostics' in r) return report(r.diagnostics);
    if (!r.ok) console.error(r.problems.join('\n'));
    return r.ok;
  }
  const r = writeFlake(args);
  if (!r.ok) return report(r.diagnostics);
  console.log(r.changed ? 'Wrote flake.nix' : 'flake.nix is already current');
  return true;
};
