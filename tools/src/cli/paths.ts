import * as path from 'node:path';
import { isSafeRelative, type CodexLayout } from '../codex/layout';
import { failure } from '../diagnostics';
import { workspaceLayout } from '../nx/layout';
import { toPosix } from '../synthesis/layout';
import { findWorkspaceRoot } from '../toolchain';

/** The folders every command works on. */
export interface CommonPaths {
  workspaceRoot: string;
  codexDir: string;
  extensionsDir: string;
}

/**
 * `--codex` and `--extensions` resolved from the current directory; by default the workspace's
 * own folders, as nx.json's options for the plugin set them.
 */
export function commonPaths(options: { codex?: string; extensions?: string }, cwd = process.cwd()): CommonPaths {
  const workspaceRoot = findWorkspaceRoot(cwd);
  const own = workspaceLayout(workspaceRoot);
  const dir = (given: string | undefined, fallback: string) => (given ? path.resolve(cwd, given) : path.join(workspaceRoot, fallback));
  return { workspaceRoot, codexDir: dir(options.codex, own.codexDir), extensionsDir: dir(options.extensions, own.extensionsDir) };
}

/** Whether the folders are the workspace's own (nx.json's), whose manifests the synthesis reads. */
export function isWorkspaceLayout(paths: CommonPaths): boolean {
  const own = workspaceLayout(paths.workspaceRoot);
  return (
    path.resolve(paths.codexDir) === path.join(paths.workspaceRoot, own.codexDir) &&
    path.resolve(paths.extensionsDir) === path.join(paths.workspaceRoot, own.extensionsDir)
  );
}

/**
 * The folders as a layout of the workspace, for the commands that read and write its own files
 * (the synthesis, the hooks): both must lie inside it.
 */
export function layoutOfPaths(paths: CommonPaths): CodexLayout {
  const inside = (dir: string, flag: string) => {
    const rel = toPosix(path.relative(paths.workspaceRoot, dir));
    if (!isSafeRelative(rel))
      throw failure(`${flag} ${dir} is not a folder inside the workspace ${paths.workspaceRoot}`, {
        hint: 'the synthesis records workspace-relative paths: keep the Codex and the extensions inside the workspace',
      });
    return rel;
  };
  return { codexDir: inside(paths.codexDir, '--codex'), extensionsDir: inside(paths.extensionsDir, '--extensions') };
}
