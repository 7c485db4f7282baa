import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodexFolders } from '../codex';
import { readScrollSettings } from '../codex/prime-scroll';
import type { Diagnostic } from '../diagnostics';
import { abs } from '../shared/workspace-path';
import { problemDiagnostic } from './problems';
import { checkInputs } from './synthesize';

/**
 * The synthesis rules `validate` reports with the Codex's own: every problem of the core's and
 * the extensions' manifests that synthesis would stop on, found without running a tool. The
 * Prime Scroll's own problems and its `extensions.active` are left to the Codex loader, which
 * reports them already.
 */
export function synthesisInputDiagnostics(workspaceRoot: string, folders: CodexFolders): Diagnostic[] {
  const { settings } = readScrollSettings(abs(workspaceRoot, folders.codexDir));
  // A workspace without the core renders Quadlets only: the forge targets report the missing core.
  if (!settings || !fs.existsSync(abs(workspaceRoot, settings.core))) return [];
  return checkInputs({ workspaceRoot, folders, settings })
    .problems.filter((p) => p.field !== 'extensions.active')
    .map((p) => ({ ...problemDiagnostic(p), file: path.join(workspaceRoot, p.file) }));
}
