import * as path from 'node:path';
import { factFiles } from './facts';
import { checkStartSet, soulstoneRoster } from '../scribe';
import { writeOutputDir } from '../shared/fsutil';
import type { CodexOptions } from '../codex';
import { loadForCommand } from '../cli/render';
import { taskPaths, type Task } from './task';

/**
 * `codex:context`: validates the whole Codex once and extracts, for each later task, exactly the
 * facts it needs; a task's hash covers its fact file, so it reruns only when those facts change.
 */
export const contextTask: Task<CodexOptions & { outputDir: string }> = (options, root) => {
  const loaded = loadForCommand(taskPaths(options, root));
  if (!loaded.codex) return loaded.refusal;
  const { codex } = loaded;
  const roster = soulstoneRoster(codex);
  // A rule over every soulstone at once: it belongs here, where the whole Codex is read.
  checkStartSet(roster);
  writeOutputDir(path.join(root, options.outputDir), factFiles(codex, root, roster));
  return { ok: true, diagnostics: loaded.warnings };
};
