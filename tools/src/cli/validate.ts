import * as path from 'node:path';
import { hasErrors, loadCodex, renderDiagnostic, sortDiagnostics } from '../codex';
import { synthesisInputDiagnostics } from '../synthesis/inputs';
import { federationInput } from '../federation/registry';
import type { CommonPaths } from './paths';

/** `lychd-forge validate`: every problem in every file, one per line; exit 1 on any error. */
export function runValidate(paths: CommonPaths, out = process.stdout, err = process.stderr): number {
  const loaded = loadCodex({ codexDir: paths.codexDir, extensionsDir: paths.extensionsDir, federation: federationInput(paths.workspaceRoot, paths.extensionsDir) });
  // The workspace's own Codex is also the synthesis's: its manifests' rules are validation's too.
  const own = path.resolve(paths.codexDir) === path.join(paths.workspaceRoot, 'codex') && path.resolve(paths.extensionsDir) === path.join(paths.workspaceRoot, 'extensions');
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...(own ? synthesisInputDiagnostics(paths.workspaceRoot) : [])]);
  const result = { codex: hasErrors(diagnostics) ? undefined : loaded.codex, diagnostics };
  for (const d of result.diagnostics) (d.severity === 'error' ? err : out).write(`${renderDiagnostic(d)}\n`);
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = result.diagnostics.length - errors;
  if (!result.codex) {
    err.write(`Codex ${paths.codexDir}: ${errors} error(s), ${warnings} warning(s); nothing was written.\n`);
    return 1;
  }
  const { runes } = result.codex;
  const stones = runes.filter((r) => r.kind === 'soulstone').length;
  out.write(
    `Codex ${paths.codexDir}: valid: ${stones} soulstone(s), ${runes.length - stones} portal(s), ` +
      `${result.codex.anchored?.length ?? 0} rune(s) of extension families, ` +
      `${result.codex.extensions.length} extension(s)${warnings ? `, ${warnings} warning(s)` : ''}.\n`,
  );
  return 0;
}
