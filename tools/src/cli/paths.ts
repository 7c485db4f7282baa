import * as path from 'node:path';
import type { CodexLayout, CodexOptions } from '../codex/layout';
import { isSafeRelative } from '../artifacts/patterns';
import { failure } from '../diagnostics';
import { workspaceLayout } from '../nx/layout';
import { toPosix } from '../synthesis/layout';
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
  const own = workspaceLayout(workspaceRoot);
  return {
    workspaceRoot,
    codexDir: given(options.codexDir) ?? path.join(workspaceRoot, own.codexDir),
    extensionsDir: given(options.extensionsDir) ?? path.join(workspaceRoot, own.extensionsDir),
  };
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
      throw failure('LYCHD802', `${flag} ${dir} is not a folder inside the workspace ${paths.workspaceRoot}`, {
        hint: 'the synthesis records workspace-relative paths: keep the Codex and the extensions inside the workspace',
      });
    return rel;
  };
  return { codexDir: inside(paths.codexDir, '--codex'), extensionsDir: inside(paths.extensionsDir, '--extensions') };
}
