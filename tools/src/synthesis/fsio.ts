import * as fs from 'node:fs';
import * as path from 'node:path';
import { replaceFileAtomic } from '../shared/fsutil';
import { randomBytes } from 'node:crypto';
import { SYNTHESIS_DIR } from '../artifacts/paths';
import { abs } from '../shared/workspace-path';

export interface GeneratedFile {
  /** Workspace-relative path. */
  path: string;
  content: string;
}

/**
 * Runs `fn` in a scratch folder beside the synthesized folders (same depth, so relative member
 * paths stay valid) and removes it afterwards: a failed tool run leaves nothing behind.
 */
export async function withStaging<T>(workspaceRoot: string, label: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const created = mkdirTracked(abs(workspaceRoot, SYNTHESIS_DIR));
  const dir = abs(workspaceRoot, `${SYNTHESIS_DIR}/.stage-${label}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(dir);
  try {
    return await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    for (const d of created.reverse()) if (fs.readdirSync(d).length === 0) fs.rmdirSync(d);
  }
}

/** mkdir -p that reports which folders it created, so they can be removed if left empty. */
function mkdirTracked(dir: string): string[] {
  const created: string[] = [];
  let cur = dir;
  while (!fs.existsSync(cur)) {
    created.unshift(cur);
    cur = path.dirname(cur);
  }
  for (const d of created) fs.mkdirSync(d);
  return created;
}

/** Writes each file through a rename, so readers never see half a file. */
export function writeFiles(workspaceRoot: string, files: GeneratedFile[]): void {
  for (const file of files) {
    const target = abs(workspaceRoot, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    replaceFileAtomic(target, file.content, `${path.basename(target)}.tmp-${randomBytes(4).toString('hex')}`, false);
  }
}

export function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
