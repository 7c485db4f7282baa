import * as path from 'node:path';
import { pathsFor } from './bind';
import { generationId, readTree } from './generation';
import { idOfDir, listGenerationDirs, readHistory, readLink, reconcileHistory } from './store';

export interface GenerationInfo {
  id: string;
  /** Absolute path of the generation dir in the store. */
  dir: string;
  current: boolean;
  previous: boolean;
  /** False when the store copy no longer hashes to its id (edited by hand). */
  intact: boolean;
}

/** Generations in the store, oldest first, the current one last. Reads only. */
export function listGenerations(options: { bindingSite: string; storeDir?: string }): GenerationInfo[] {
  const paths = pathsFor(options.bindingSite, options.storeDir);
  const existing = listGenerationDirs(paths.store);
  if (existing.length === 0) return [];
  const link = readLink(paths);
  const current = link.kind === 'generation' ? link.dir : undefined;
  const ordered = reconcileHistory(readHistory(paths.store), existing, current);
  // Dirs the history does not know (a bind killed before switching) come first: oldest in effect.
  const all = [...existing.filter((d) => !ordered.includes(d)), ...ordered];
  const previous = current !== undefined ? ordered.at(-2) : undefined;
  return all.map((d) => {
    const id = idOfDir(d) as string;
    const dir = path.join(paths.store, d);
    return { id, dir, current: d === current, previous: d === previous, intact: generationId(readTree(dir)) === id };
  });
}
