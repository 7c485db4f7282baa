import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRuneUnits } from './output-readers';
import { listFiles } from '../codex/files';
import { assembleGeneration } from '../scribe/generation';
import { writeOutputDir } from '../shared/fsutil';
import type { Task } from './task';

export interface AssembleTaskOptions {
  runesDir: string;
  /** The rune folder projects of the current graph: outputs of folders emptied since are never picked up. */
  runes: string[];
  aggregates: string[];
  aggregatesDir: string;
  outputDir: string;
}

/** An aggregate's output folder, as relative path → text. */
const readAggregate = (dir: string) => new Map(listFiles(dir).map((rel) => [rel, fs.readFileSync(path.join(dir, rel), 'utf8')] as const));

/** `quadlets:scribe`: the generation, as the union of every rune folder's units and every aggregate file. */
export const assembleTask: Task<AssembleTaskOptions> = (options, root) => {
  const parts = [
    ...options.aggregates.map((a) => readAggregate(path.join(root, options.aggregatesDir, a))),
    ...options.runes.map(
      (p) =>
        new Map(
          Object.entries(
            readRuneUnits(path.join(root, options.runesDir, `${p}.json`), {
              regenerate: `run \`npx nx run ${p}:scribe --skip-nx-cache\` to write it afresh`,
            }),
          ),
        ),
    ),
  ];
  const generation = assembleGeneration(parts);
  writeOutputDir(path.join(root, options.outputDir), generation);
  return { ok: true, summary: `Rendered ${generation.size} file(s) into ${options.outputDir}/.` };
};
