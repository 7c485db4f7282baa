import { hasErrors, loadCodex, renderDiagnostic, sortDiagnostics } from '../codex';
import { synthesisInputDiagnostics } from '../synthesis/inputs';
import { federationInput } from '../codex/registry';
import { workspaceLayout } from '../nx/layout';
import { isWorkspaceLayout, type CommonPaths } from './paths';

/** `lychd-forge validate`: every problem in every file, one per line; exit 1 on any error. */
export function runValidate(paths: CommonPaths, out = process.stdout, err = process.stderr): number {
  const own = workspaceLayout(paths.workspaceRoot);
  const loaded = loadCodex({
    codexDir: paths.codexDir,
    extensionsDir: paths.extensionsDir,
    federation: federationInput(paths.workspaceRoot, paths.extensionsDir, own),
  });
  // The workspace's own Codex is also the synthesis's: its manifests' rules are validation's too.
  const synthesis = isWorkspaceLayout(paths) ? synthesisInputDiagnostics(paths.workspaceRoot, own) : [];
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...synthesis]);
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
