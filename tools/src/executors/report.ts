import type { ExecutorContext } from '@nx/devkit';
import * as path from 'node:path';
import { loadAndReport, type Codex } from '../codex';

export type ExecutorResult = { success: boolean };

export interface CodexOptions {
  codexDir: string;
  extensionsDir: string;
}

/** Loads the workspace's Codex for an executor, reporting every problem; undefined when invalid. */
export function loadForTask(options: CodexOptions, context: ExecutorContext): Codex | undefined {
  return loadAndReport(
    { codexDir: path.join(context.root, options.codexDir), extensionsDir: path.join(context.root, options.extensionsDir) },
    (line) => console.error(line),
    context.root,
  );
}
