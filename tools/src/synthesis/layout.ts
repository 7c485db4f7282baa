import * as path from 'node:path';

/**
 * Where the synthesis stages write, relative to the workspace root. Where they read (the Codex,
 * the extensions) is the workspace's CodexLayout (codex/layout.ts).
 */
export const TEMPLATES_DIR = 'forge/templates';
export const SYNTHESIS_DIR = 'forge/synthesis';
export const PYTHON_DIR = `${SYNTHESIS_DIR}/python`;
export const NODE_DIR = `${SYNTHESIS_DIR}/node`;
export const TAILWIND_DIR = `${SYNTHESIS_DIR}/tailwind`;
export const MANIFEST_FILE = 'forge/synthesis.lock.json';
/** Written by the user's Nix for the Sovereign path's flake.nix; recorded in the manifest. */
export const FLAKE_LOCK = 'flake.lock';
/** The Debian lock, written by `lychd-forge debian-lock` (it needs the built base); the manifest digests it. */
export const DEBIAN_LOCK = 'forge/synthesis/debian.lock.json';

export const PYTHON_FILES = { pyproject: `${PYTHON_DIR}/pyproject.toml`, lock: `${PYTHON_DIR}/uv.lock` } as const;
export const NODE_FILES = { packageJson: `${NODE_DIR}/package.json`, lock: `${NODE_DIR}/package-lock.json` } as const;
export const TAILWIND_FILE = `${TAILWIND_DIR}/tailwind.config.js`;

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
