import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { escapeForTerminal, loadAndReport, type Codex } from '../codex';
import { renderGeneration, ScribeError, writeGeneration } from '../scribe';
import { writeOutputDir } from '../tasks/output';
import type { CommonPaths } from './paths';

/** Loads and validates the Codex, printing every problem; undefined when it is invalid. */
export const loadOrReport = (paths: CommonPaths, err = process.stderr): Codex | undefined =>
  loadAndReport({ codexDir: paths.codexDir, extensionsDir: paths.extensionsDir }, (line) => err.write(`${line}\n`));

/**
 * Renders the whole generation into `dir`; undefined, with the reason printed, on failure.
 * A folder of the Forge's own (a fresh temporary one, the workspace's generation folder) is
 * replaced whole, as the Nx task replaces its output; any other folder goes through
 * `writeGeneration`, which touches only what the Forge wrote there.
 */
export function renderInto(codex: Codex, dir: string, err = process.stderr, ownFolder = true): Map<string, string> | undefined {
  try {
    const files = renderGeneration(codex);
    if (ownFolder) writeOutputDir(dir, files);
    else writeGeneration(files, dir);
    return files;
  } catch (e) {
    if (!(e instanceof ScribeError)) throw e;
    err.write(`${escapeForTerminal(e.message, { multiline: true })}\nNothing was written.\n`);
    return undefined;
  }
}

/** A fresh temporary folder for a generation that is only needed for the length of one command. */
export function withTempGeneration<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lychd-generation-'));
  return fn(dir).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
}

/** `lychd-forge scribe`: renders the Quadlets of the Codex into a folder. */
export function runScribe(paths: CommonPaths, out: string | undefined, stdout = process.stdout): number {
  const codex = loadOrReport(paths);
  if (!codex) return 1;
  const dir = out ?? path.join(paths.workspaceRoot, 'quadlets', 'generation');
  const files = renderInto(codex, dir, process.stderr, out === undefined);
  if (!files) return 1;
  stdout.write(`Rendered ${files.size} file(s) into ${dir}\n`);
  return 0;
}
