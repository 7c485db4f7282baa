import * as path from 'node:path';
import { codexFoldersOf, type CodexOptions } from '../codex/folders';
import type { CommonPaths } from '../cli/paths';
import type { Outcome } from '../report';

/**
 * One Forge task of the Nx graph: its options (from the plugin), the workspace root and where to
 * report progress; what it did, for the one printer (report/print.ts).
 */
export type Task<O> = (options: O, root: string, progress: (line: string) => void) => Outcome | Promise<Outcome>;

/** The Codex folders a task's options name, in the workspace. */
export function taskPaths(options: CodexOptions, root: string): CommonPaths {
  const folders = codexFoldersOf(options);
  return { workspaceRoot: root, codexDir: path.join(root, folders.codexDir), extensionsDir: path.join(root, folders.extensionsDir) };
}
