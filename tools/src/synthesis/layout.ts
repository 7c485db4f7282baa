import * as path from 'node:path';

/**
 * Where the synthesis stages write, relative to the workspace root. Where they read (the Codex,
 * the extensions) is the workspace's CodexLayout (codex/layout.ts).
 */
export {
  DEBIAN_LOCK_FILE,
  FLAKE_LOCK,
  MANIFEST_FILE,
  NODE_DIR,
  NODE_FILES,
  PYTHON_DIR,
  PYTHON_FILES,
  SYNTHESIS_DIR,
  TAILWIND_DIR,
  TAILWIND_FILE,
  TEMPLATES_DIR,
} from '../artifacts/paths';

/** Workspace-relative, always with forward slashes, so outputs match on every machine. */
export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

export function relFrom(fromDir: string, to: string): string {
  return toPosix(path.posix.relative(fromDir, to)) || '.';
}

export function abs(workspaceRoot: string, rel: string): string {
  return path.join(workspaceRoot, ...rel.split('/'));
}
