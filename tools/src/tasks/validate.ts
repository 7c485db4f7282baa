import { loadForTask, type CodexOptions, type Task } from './report';

/** `codex:validate`: the same check as `lychd-forge validate`, as a cached Nx task. */
export const validate: Task<CodexOptions> = (options, root) => {
  const codex = loadForTask(options, root);
  if (codex) console.log(`Codex ${options.codexDir}/ is valid: ${codex.runes.length} rune(s), ${codex.extensions.length} extension(s).`);
  return codex !== undefined;
};
