import * as fs from 'node:fs';
import { MANIFEST_FILE } from '../artifacts/paths';
import { abs } from '../shared/workspace-path';

/**
 * Whether a lock stage starts from the committed lock: yes, unless `[forge] resolve_before` moved
 * since the committed manifest was written. A moved time is an upgrade: the locks are resolved
 * anew as the indexes were then, not kept at the versions an older time chose.
 */
export function seedsCommittedLock(workspaceRoot: string, resolveBefore: string | undefined): boolean {
  const file = abs(workspaceRoot, MANIFEST_FILE);
  if (!fs.existsSync(file)) return true;
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { resolveBefore?: string }).resolveBefore === resolveBefore;
  } catch {
    return true;
  }
}
