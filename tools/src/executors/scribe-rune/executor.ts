import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatDiagnostic, loadRuneFile } from '../../codex';
import { renderSoulstone, ScribeError, type ScribeContext } from '../../scribe';
import { writeOutputDir } from '../output';
import { batchOf, executorOf, type TaskCore } from '../batch';
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

type RuneContext = ScribeContext & { extensions?: string[] };

/**
 * One rune's quadlet: reads its own file and the scribe context, nothing else, so that its cache
 * entry is valid exactly as long as those two are unchanged. Portals and runes of inactive
 * extensions produce no unit, and an empty output.
 */
export function scribeRune(options: ScribeRuneOptions, root: string, ctx: RuneContext, log: (line: string) => void): boolean {
  const ref = runeRef(options);
  const files = new Map<string, string>();
  if (ref.provider === 'codex' || ctx.extensions?.includes(ref.provider)) {
    const loaded = loadRuneFile({ ...ref, runeRoot: path.join(root, ref.runeRoot) });
    for (const d of loaded.diagnostics) log(formatDiagnostic(d, root));
    if (!loaded.rune) return false;
    if (loaded.rune.kind === 'soulstone') {
      try {
        const { file, text } = renderSoulstone(loaded.rune, ctx);
        files.set(file, text);
      } catch (e) {
        if (!(e instanceof ScribeError)) throw e;
        log(e.message);
        return false;
      }
    }
  }
  writeOutputDir(path.join(root, options.outputDir), files);
  return true;
}

/** The scribe context is the same file for every rune of a run: read it once per process. */
const contexts = new Map<string, RuneContext>();
function readContext(root: string, file: string): RuneContext {
  const key = path.join(root, file);
  if (!contexts.has(key)) contexts.set(key, JSON.parse(fs.readFileSync(key, 'utf8')) as RuneContext);
  return contexts.get(key)!;
}

const core: TaskCore<ScribeRuneOptions> = (options, root, log) => scribeRune(options, root, readContext(root, options.context), log);

export default executorOf(core);
export const scribeRuneBatch = batchOf(core);
