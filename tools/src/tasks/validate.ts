import { renderDiagnostic } from '../codex';
import { synthesisInputDiagnostics } from '../synthesis/inputs';
import { loadForTask, type CodexOptions, type Task } from './task';

/** `codex:validate`: the same check as `lychd-forge validate`, as a cached Nx task. */
export const validate: Task<CodexOptions> = (options, root) => {
  const codex = loadForTask(options, root);
  // Synthesis reads the workspace's codex/ and extensions/: when they are the Codex, their manifests are validated too.
  const own = options.codexDir === 'codex' && options.extensionsDir === 'extensions';
  const synthesis = own ? synthesisInputDiagnostics(root) : [];
  for (const d of synthesis) console.error(renderDiagnostic(d, root));
  if (codex && synthesis.length === 0) console.log(`Codex ${options.codexDir}/ is valid: ${codex.runes.length} rune(s), ${codex.extensions.length} extension(s).`);
  return codex !== undefined && synthesis.length === 0;
};
