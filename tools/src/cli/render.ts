import * as fs from 'node:fs';
import { GENERATION_DIR } from '../artifacts/paths';
import * as os from 'node:os';
import * as path from 'node:path';
import { federationInput, loadCodex, type Codex, type LocatedDiagnostic } from '../codex';
import { renderGeneration, writeGeneration } from '../scribe';
import { workspaceCodexFolders } from '../nx/plugin-layout';
import { refused, type Outcome } from '../report';
import { writeOutputDir } from '../shared/fsutil';
import type { CommonPaths } from './paths';

/** A valid Codex and its warnings (for the command's outcome), or the outcome that refuses an invalid one. */
export type Loaded = { codex: Codex; warnings: LocatedDiagnostic[] } | { codex?: undefined; refusal: Outcome };

/** Loads and validates the Codex of a command. */
export function loadForCommand(paths: CommonPaths): Loaded {
  const { codex, diagnostics } = loadCodex({
    codexDir: paths.codexDir,
    extensionsDir: paths.extensionsDir,
    federation: federationInput(paths.workspaceRoot, paths.extensionsDir, workspaceCodexFolders(paths.workspaceRoot)),
  });
  return codex ? { codex, warnings: diagnostics } : { refusal: refused(`Codex ${paths.codexDir}`, diagnostics) };
}

/**
 * Renders the whole generation into `dir`; nothing is written when it fails. A folder of the
 * Forge's own (a fresh temporary one, the workspace's generation folder) is replaced whole, as the
 * Nx task replaces its output; any other folder goes through `writeGeneration`, which touches only
 * what the Forge wrote there.
 */
export function renderInto(codex: Codex, dir: string, ownFolder = true): Map<string, string> {
  const files = renderGeneration(codex);
  if (ownFolder) writeOutputDir(dir, files);
  else writeGeneration(files, dir);
  return files;
}

/** A fresh temporary folder for a generation that is only needed for the length of one command. */
export function withTempGeneration<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lychd-generation-'));
  return fn(dir).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
}

/** `lychd-forge scribe`: renders the Quadlets of the Codex into a folder. */
export function runScribe(paths: CommonPaths, out: string | undefined): Outcome {
  const loaded = loadForCommand(paths);
  if (!loaded.codex) return loaded.refusal;
  const dir = out ?? path.join(paths.workspaceRoot, GENERATION_DIR);
  const files = renderInto(loaded.codex, dir, out === undefined);
  return { ok: true, diagnostics: loaded.warnings, summary: `Rendered ${files.size} file(s) into ${dir}` };
}
