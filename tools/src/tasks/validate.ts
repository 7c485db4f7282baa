import { renderDiagnostic } from '../codex';
import { synthesisInputDiagnostics } from '../synthesis/inputs';
import { loadForTask, type CodexOptions, type Task } from './task';

/** `codex:validate`: the same check as `lychd-forge validate`, as a cached Nx task. */
export const validate: Task<CodexOptions> = (options, root) => {
  const codex = loadForTask(options, root);
  // The synthesis reads the same layout: its manifests' rules are validation's too.
  const synthesis = synthesisInputDiagnostics(root, options);
  for (const d of synthesis) console.error(renderDiagnostic(d, root));
  if (codex && synthesis.length === 0)
    console.log(`Codex ${options.codexDir}/ is valid: ${codex.runes.length} rune(s), ${codex.extensions.length} extension(s).`);
  return codex !== undefined && synthesis.length === 0;
};
