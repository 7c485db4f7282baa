import * as fs from 'node:fs';
import * as path from 'node:path';
// Each module by its own path, not the codex and scribe indexes: this task runs once per rune
// folder, and those would load the whole loader and every renderer (ajv, re2js, the toolchain).
import { hasErrors, renderDiagnostic } from '../codex/diagnostics';
import { loadRuneFile } from '../codex/load-rune';
import { unreadable } from '../codex/read-file';
import { reportFailure } from '../diagnostics';
import { renderSoulstone } from '../scribe/soulstone';
import { readRuneFacts, type RuneFacts } from './output-readers';
import { canonicalJson } from '../shared/digest';
import type { Task } from './task';
import { runeRef } from './rune-ref';
import { writeOutputFile } from '../shared/fsutil';

export interface ScribeRunesTaskOptions {
  /** The rune folder, relative to the workspace root: every `*.toml` directly in it is a rune. */
  folder: string;
  codexDir: string;
  extensionsDir: string;
  /** The rune folders' facts (`scribe-context.json`) written by `codex:context`. */
  facts: string;
  /** The folder's units as one JSON object, unit file name → text (see runeOutputFile). */
  outputFile: string;
}

/**
 * The rune files of a folder, sorted: exactly the files the task's `{folder}/*.toml` input hashes.
 * A symbolic link is listed too, so that the Codex's one link rule refuses it here as the
 * command line does, rather than the folder rendering without it.
 */
export function runeFilesIn(root: string, folder: string): string[] {
  const dir = path.join(root, folder);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && e.name.endsWith('.toml'))
    .map((e) => `${folder}/${e.name}`)
    .sort();
}

/**
 * The quadlets of one rune folder: reads its own rune files and the rune folders' facts, nothing else,
 * so that its cache entry is valid exactly as long as those are unchanged. Portals and runes of
 * inactive extensions produce no unit. Every problem of every rune is reported.
 */
export function scribeRunes(options: ScribeRunesTaskOptions, root: string, facts: RuneFacts, log: (line: string) => void): boolean {
  const units = new Map<string, string>();
  let ok = true;
  let files: string[];
  try {
    files = runeFilesIn(root, options.folder);
  } catch (e) {
    log(renderDiagnostic(unreadable(path.join(root, options.folder), e), root));
    return false;
  }
  for (const file of files) {
    const ref = runeRef({ ...options, file });
    if (ref.provider !== 'codex' && !facts.extensions?.includes(ref.provider)) continue;
    const loaded = loadRuneFile({ ...ref, runeRoot: path.join(root, ref.runeRoot) }, facts.defaults);
    for (const d of loaded.diagnostics) log(renderDiagnostic(d, root));
    if (!loaded.rune || hasErrors(loaded.diagnostics)) {
      ok = false;
      continue;
    }
    if (loaded.rune.kind !== 'soulstone') continue;
    try {
      const { file: unit, text } = renderSoulstone(loaded.rune, facts);
      units.set(unit, text);
    } catch (e) {
      // Report this rune's problem and go on, so that every rune of the folder is reported.
      reportFailure(e, log, root);
      ok = false;
    }
  }
  if (ok) {
    writeOutputFile(path.join(root, options.outputFile), canonicalJson(Object.fromEntries(units)));
  }
  return ok;
}

/** `runes-<folder>:scribe`: the folder's units, with the rune folders' facts `codex:context` wrote. */
export const scribeRunesTask: Task<ScribeRunesTaskOptions> = (options, root, progress) => {
  const facts = readRuneFacts(path.join(root, options.facts));
  return { ok: scribeRunes(options, root, facts, progress) };
};
