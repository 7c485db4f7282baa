import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { assembleGeneration, ScribeError } from '../../scribe';
import { writeOutputDir } from '../output';
import type { ExecutorResult } from '../report';

export interface AssembleOptions {
  runesDir: string;
  aggregates: string[];
  aggregatesDir: string;
  outputDir: string;
}

function readTree(dir: string, prefix = ''): [string, string][] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? readTree(dir, rel) : [[rel, fs.readFileSync(path.join(dir, rel), 'utf8')] as [string, string]];
  });
}

/** The rune folders of the current graph: outputs of folders emptied since are never picked up. */
function runeFolders(context: ExecutorContext): string[] {
  const projects = context.projectsConfigurations?.projects ?? {};
  return Object.keys(projects)
    .filter((name) => projects[name]!.tags?.includes('type:runes'))
    .sort();
}

/** `quadlets:scribe`: the generation, as the union of every rune folder's units and every aggregate file. */
export default async function assembleExecutor(options: AssembleOptions, context: ExecutorContext): Promise<ExecutorResult> {
  const parts = [
    ...options.aggregates.map((a) => new Map(readTree(path.join(context.root, options.aggregatesDir, a)))),
    ...runeFolders(context).map((p) => new Map(readTree(path.join(context.root, options.runesDir, p)))),
  ];
  try {
    const generation = assembleGeneration(parts);
    writeOutputDir(path.join(context.root, options.outputDir), generation);
    console.log(`Rendered ${generation.size} file(s) into ${options.outputDir}/.`);
  } catch (e) {
    if (!(e instanceof ScribeError)) throw e;
    console.error(e.message);
    return { success: false };
  }
  return { success: true };
}
