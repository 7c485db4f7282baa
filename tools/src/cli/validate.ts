import { federationInput, loadCodex, sortDiagnostics } from '../codex';
import { synthesisInputDiagnostics } from '../synthesis/inputs';
import { workspaceCodexFolders } from '../nx/plugin-layout';
import { refused, type Outcome } from '../report';
import { areWorkspaceFolders, type CommonPaths } from './paths';

/**
 * `lychd-forge validate` and `codex:validate`: every problem in every file, and a count of what
 * the Codex holds when it is valid. `shown` is how the Codex folder is named in the summary.
 */
export function runValidate(paths: CommonPaths, shown = paths.codexDir): Outcome {
  const own = workspaceCodexFolders(paths.workspaceRoot);
  const loaded = loadCodex({
    codexDir: paths.codexDir,
    extensionsDir: paths.extensionsDir,
    federation: federationInput(paths.workspaceRoot, paths.extensionsDir, own),
  });
  // The workspace's own Codex is also the synthesis's: its manifests' rules are validation's too.
  const synthesis = areWorkspaceFolders(paths) ? synthesisInputDiagnostics(paths.workspaceRoot, own) : [];
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...synthesis]);
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  if (!loaded.codex || warnings < diagnostics.length) return refused(`Codex ${shown}`, diagnostics);
  const { runes } = loaded.codex;
  const stones = runes.filter((r) => r.kind === 'soulstone').length;
  return {
    ok: true,
    diagnostics,
    summary:
      `Codex ${shown}: valid: ${stones} soulstone(s), ${runes.length - stones} portal(s), ` +
      `${loaded.codex.anchored?.length ?? 0} rune(s) of extension families, ` +
      `${loaded.codex.extensions.length} extension(s)${warnings ? `, ${warnings} warning(s)` : ''}.`,
  };
}
