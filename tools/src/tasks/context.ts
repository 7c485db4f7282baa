import * as path from 'node:path';
import { contextFiles } from './facts';
import { checkStartSet, scribeContext } from '../scribe';
import { writeOutputDir } from '../shared/fsutil';
import type { CodexOptions } from '../codex';
import { loadForCommand } from '../cli/render';
import { taskPaths, type Task } from './task';

/**
 * `codex:context`: validates the whole Codex once and extracts, for each later task, exactly the
 * facts it needs; a task's hash covers its fact file, so it reruns only when those facts change.
 */
export const context: Task<CodexOptions & { outputDir: string }> = (options, root) => {
  const loaded = loadForCommand(taskPaths(options, root));
  if (!loaded.codex) return loaded.refusal;
  const { codex } = loaded;
  const ctx = scribeContext(codex);
  // A rule over every soulstone at once: it belongs here, where the whole Codex is read.
  checkStartSet(ctx);
  writeOutputDir(path.join(root, options.outputDir), contextFiles(codex, root, ctx));
  return { ok: true, diagnostics: loaded.warnings };
};
