import type { ExecutorContext } from '@nx/devkit';
import { loadForTask, type CodexOptions, type ExecutorResult } from '../report';

/** `codex:validate`: the same check as `lychd-forge validate`, as a cached Nx task. */
export default async function validateExecutor(options: CodexOptions, context: ExecutorContext): Promise<ExecutorResult> {
  const codex = loadForTask(options, context);
  if (codex) console.log(`Codex ${options.codexDir}/ is valid: ${codex.runes.length} rune(s), ${codex.extensions.length} extension(s).`);
  return { success: codex !== undefined };
}
