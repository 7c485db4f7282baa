import * as path from 'node:path';

/** Workspace-relative, always with forward slashes, so outputs match on every machine. */
export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** A forward-slash path from one workspace-relative folder to another. */
export function relFrom(fromDir: string, to: string): string {
  return toPosix(path.posix.relative(fromDir, to)) || '.';
}

/** A workspace-relative, forward-slash path made absolute on this machine. */
export function abs(workspaceRoot: string, rel: string): string {
  return path.join(workspaceRoot, ...rel.split('/'));
}
