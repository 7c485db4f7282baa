import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { loadRuneFile } from '../../codex';
import { renderSoulstone, ScribeError, type ScribeContext } from '../../scribe';
import { writeOutputDir } from '../output';
import { reportDiagnostics, type ExecutorResult } from '../report';
import { runeRef } from './rune-ref';

export interface ScribeRuneOptions {
  /** The rune file, relative to the workspace root. */
  file: string;
  codexDir: string;
  extensionsDir: string;
  /** The scribe context written by `codex:context`. */
  context: string;
  outputDir: string;
}

/**
 * One rune's quadlet: reads its own file and the scribe context, nothing else, so that its cache
 * entry is valid exactly as long as those two are unchanged. Portals and runes of inactive
 * extensions produce no unit, and an empty output.
 */
export default async function scribeRuneExecutor(options: ScribeRuneOptions, context: ExecutorContext): Promise<ExecutorResult> {
  const root = context.root;
  const ctx = JSON.parse(fs.readFileSync(path.join(root, options.context), 'utf8')) as ScribeContext & { extensions?: string[] };
  const ref = runeRef(options);
  const files = new Map<string, string>();
  if (ref.provider !== 'codex' && !ctx.extensions?.includes(ref.provider)) {
    writeOutputDir(path.join(root, options.outputDir), files);
    return { success: true };
  }
  const loaded = loadRuneFile({ ...ref, runeRoot: path.join(root, ref.runeRoot) });
  reportDiagnostics(loaded.diagnostics, root);
  if (!loaded.rune) return { success: false };
  if (loaded.rune.kind === 'soulstone') {
    try {
      const { file, text } = renderSoulstone(loaded.rune, ctx);
      files.set(file, text);
    } catch (e) {
      if (e instanceof ScribeError) {
        console.error(e.message);
        return { success: false };
      }
      throw e;
    }
  }
  writeOutputDir(path.join(root, options.outputDir), files);
  return { success: true };
}
