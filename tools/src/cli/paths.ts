import * as path from 'node:path';
import type { CodexFolders, CodexOptions } from '../codex/folders';
import { isSafeRelative } from '../artifacts/patterns';
import { failure } from '../diagnostics';
import { workspaceCodexFolders } from '../nx/plugin-layout';
import { toPosix } from '../shared/workspace-path';
import { enclosingWorkspace, findWorkspaceRoot } from '../toolchain';
import { codexHome } from '../codex/home';

/** The folders every command works on. */
export interface CommonPaths {
  workspaceRoot: string;
  codexDir: string;
  extensionsDir: string;
}

/**
 * The Codex and extensions folders (`--codex`, `--extensions`) resolved from the current directory; by default the workspace's
 * own folders, as nx.json's options for the plugin set them, and outside any workspace the
 * Codex's home (`$XDG_CONFIG_HOME/lychd`, else `~/.config/lychd`; codex/home.ts).
 */
export function commonPaths(options: CodexOptions, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): CommonPaths {
  const workspaceRoot = findWorkspaceRoot(cwd);
  const given = (dir: string | undefined) => (dir ? path.resolve(cwd, dir) : undefined);
  if (enclosingWorkspace(cwd) === undefined) {
    const home = options.codexDir && options.extensionsDir ? undefined : codexHome(env);
    return {
      workspaceRoot,
      codexDir: given(options.codexDir) ?? home!.codexDir,
      extensionsDir: given(options.extensionsDir) ?? home!.extensionsDir,
    };
  }
  const own = workspaceCodexFolders(workspaceRoot);
  return {
    workspaceRoot,
    codexDir: given(options.codexDir) ?? path.join(workspaceRoot, own.codexDir),
    extensionsDir: given(options.extensionsDir) ?? path.join(workspaceRoot, own.extensionsDir),
  };
}

/** Whether the folders are the workspace's own (nx.json's), whose manifests the synthesis reads. */
export function areWorkspaceFolders(paths: CommonPaths): boolean {
  const own = workspaceCodexFolders(paths.workspaceRoot);
  return (
    path.resolve(paths.codexDir) === path.join(paths.workspaceRoot, own.codexDir) &&
    path.resolve(paths.extensionsDir) === path.join(paths.workspaceRoot, own.extensionsDir)
  );
}

/**
 * The folders as the workspace's Codex folders, for the commands that read and write its own files
 * (the synthesis, the hooks): both must lie inside it.
 */
export function codexFoldersOfPaths(paths: CommonPaths): CodexFolders {
  const inside = (dir: string, flag: string) => {
    const rel = toPosix(path.relative(paths.workspaceRoot, dir));
    if (!isSafeRelative(rel))
      throw failure('LYCHD802', `${flag} ${dir} is not a folder inside the workspace ${paths.workspaceRoot}`, {
        hint: 'the synthesis records workspace-relative paths: keep the Codex and the extensions inside the workspace',
      });
    return rel;
  };
  return { codexDir: inside(paths.codexDir, '--codex'), extensionsDir: inside(paths.extensionsDir, '--extensions') };
}
