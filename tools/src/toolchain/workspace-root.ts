import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function isWorkspaceRoot(dir: string): boolean {
  if (existsSync(join(dir, 'nx.json'))) return true;
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg)) return false;
  try {
    return 'workspaces' in (JSON.parse(readFileSync(pkg, 'utf8')) as object);
  } catch {
    return false;
  }
}

function walkUp(start: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (isWorkspaceRoot(dir)) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The workspace around `cwd`, or undefined when the directory is in none. */
export function enclosingWorkspace(cwd: string = process.cwd()): string | undefined {
  return walkUp(cwd);
}

/**
 * The workspace whose `.tools/` holds the provisioned tools: the one around the
 * current directory (where nx runs targets), else the one containing this module.
 */
export function findWorkspaceRoot(cwd: string = process.cwd()): string {
  return walkUp(cwd) ?? walkUp(__dirname) ?? resolve(cwd);
}
