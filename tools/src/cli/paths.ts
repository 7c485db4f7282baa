import * as path from 'node:path';
import { findWorkspaceRoot } from '../toolchain';

/** The folders every command works on. */
export interface CommonPaths {
  workspaceRoot: string;
  codexDir: string;
  extensionsDir: string;
}

/** `--codex` and `--extensions` resolved from the current directory; the workspace's own folders by default. */
export function commonPaths(options: { codex?: string; extensions?: string }, cwd = process.cwd()): CommonPaths {
  const workspaceRoot = findWorkspaceRoot(cwd);
  const dir = (given: string | undefined, fallback: string) => (given ? path.resolve(cwd, given) : path.join(workspaceRoot, fallback));
  return { workspaceRoot, codexDir: dir(options.codex, 'codex'), extensionsDir: dir(options.extensions, 'extensions') };
}
