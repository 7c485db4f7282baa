import type { ExecutorContext } from '@nx/devkit';
import { formatDiagnostic, loadCodex, type Codex, type Diagnostic } from '../codex';
import * as path from 'node:path';

export type ExecutorResult = { success: boolean };

/** Prints diagnostics the way `lychd-forge validate` does, relative to the workspace root. */
export function reportDiagnostics(diagnostics: Diagnostic[], workspaceRoot: string): void {
  for (const d of diagnostics) {
    const line = formatDiagnostic(d, workspaceRoot);
    if (d.severity === 'error') console.error(line);
    else console.warn(line);
  }
}

export interface CodexOptions {
  codexDir: string;
  extensionsDir: string;
}

/** Loads the workspace's Codex for an executor, reporting every problem; undefined when invalid. */
export function loadForTask(options: CodexOptions, context: ExecutorContext): Codex | undefined {
  const result = loadCodex({ codexDir: path.join(context.root, options.codexDir), extensionsDir: path.join(context.root, options.extensionsDir) });
  reportDiagnostics(result.diagnostics, context.root);
  if (!result.codex) console.error(`The Codex in ${options.codexDir}/ is invalid: fix the errors above; nothing was written.`);
  return result.codex;
}
