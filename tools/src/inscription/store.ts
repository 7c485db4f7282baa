import * as fs from 'node:fs';
import * as path from 'node:path';
import { errnoCode, lstatOrUndefined, replaceFileAtomic } from '../shared/fsutil';
import { GenerationFiles, readTree, sameFiles } from './generation';
import { staleLockTemps } from './lock';
import { LINK_NAME } from './site';
import { failure } from '../diagnostics';

/*
 * Store layout (beside the Binding Site, see site.ts):
 *   gen-<id>/ , gen-<id>.<k>/   complete generations, immutable once renamed into place
 *                               (`.<k>` only when a hand-edited copy of the same id exists)
 *   history                     generation dir names, oldest first, current last
 *   .lock-<n>[.free]            the bind lock (lock.ts)
 * Working entries, always hidden and named with the writer's pid, removed by recovery:
 *   .tmp-gen-<id>-<pid>/  .next-<pid>  .trash-<name>-<pid>/  .history.tmp-<pid>  .lock-tmp-<pid>-<n>
 */

export const GEN_DIR_RE = /^gen-([0-9a-f]+)(?:\.(\d+))?$/;
const WORKING_RE = /^\.(tmp-gen-|next-|trash-|history\.tmp-)/;
const HISTORY = 'history';

export interface StorePaths {
  site: string;
  store: string;
  link: string;
}

export function storePaths(bindingSite: string, storeDir: string): StorePaths {
  return { site: bindingSite, store: storeDir, link: path.join(bindingSite, LINK_NAME) };
}

export function idOfDir(dirName: string): string | undefined {
  return GEN_DIR_RE.exec(dirName)?.[1];
}

export function listGenerationDirs(store: string): string[] {
  if (lstatOrUndefined(store) === undefined) return [];
  return fs
    .readdirSync(store, { withFileTypes: true })
    .filter((e) => e.isDirectory() && GEN_DIR_RE.test(e.name))
    .map((e) => e.name)
    .sort();
}

export type LinkState =
  | { kind: 'absent' }
  | { kind: 'generation'; dir: string; target: string }
  | { kind: 'foreign-link'; target: string }
  | { kind: 'not-a-link' };

/** What `<site>/lychd` is: missing, our symlink into the store, or something else. */
export function readLink(paths: StorePaths): LinkState {
  const st = lstatOrUndefined(paths.link);
  if (st === undefined) return { kind: 'absent' };
  if (!st.isSymbolicLink()) return { kind: 'not-a-link' };
  const target = fs.readlinkSync(paths.link);
  const realSite = fs.realpathSync(paths.site);
  const resolved = path.resolve(realSite, target);
  let realStore: string;
  try {
    realStore = fs.realpathSync(paths.store);
  } catch {
    return { kind: 'foreign-link', target };
  }
  const dir = path.basename(resolved);
  if (path.dirname(resolved) === realStore && GEN_DIR_RE.test(dir) && lstatOrUndefined(resolved)?.isDirectory()) {
    return { kind: 'generation', dir, target };
  }
  return { kind: 'foreign-link', target };
}

/**
 * A symbolic link at `<site>/lychd` that the Forge did not make: one that points outside the
 * generation store. (A link into the store whose generation is gone is the Forge's own, and
 * bind or rollback repairs it.)
 */
export function isForeignLink(paths: StorePaths): string | undefined {
  const st = lstatOrUndefined(paths.link);
  if (!st?.isSymbolicLink()) return undefined;
  const target = fs.readlinkSync(paths.link);
  const resolved = path.resolve(path.dirname(paths.link), target);
  const inStore = (store: string) => path.dirname(resolved) === store && GEN_DIR_RE.test(path.basename(resolved));
  let realStore: string | undefined;
  try {
    realStore = fs.realpathSync(paths.store);
  } catch {
    realStore = undefined;
  }
  return inStore(paths.store) || (realStore !== undefined && inStore(realStore)) ? undefined : target;
}

export function foreignLinkError(paths: StorePaths, target: string): Error {
  return failure('LYCHD503', `${paths.link} is a symbolic link to ${target}, which the Forge did not make`, {
    why: 'the Forge owns that name and installs it as a link into its generation store; it will not replace a link of yours',
    hint: `move it away (for example: mv ${paths.link} ${paths.link}.bak) and bind again`,
  });
}

export function notALinkError(paths: StorePaths): Error {
  return failure(
    'LYCHD503',
    `${paths.link} exists and is not a symlink. The Forge owns that name and installs it as a symlink to a ` +
      'generation so it can be swapped atomically; it will not replace a real file or directory. Move it ' +
      `away (for example: mv ${paths.link} ${paths.link}.bak) and bind again.`,
  );
}

export function readGenerationDir(store: string, dir: string): GenerationFiles {
  return readTree(path.join(store, dir));
}

export function readHistory(store: string): string[] {
  try {
    return fs
      .readFileSync(path.join(store, HISTORY), 'utf8')
      .split('\n')
      .filter((l) => GEN_DIR_RE.test(l));
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
}

/** History as it should be: existing dirs only, each once, the current generation last. */
export function reconcileHistory(history: string[], existing: string[], current: string | undefined): string[] {
  const have = new Set(existing);
  const out: string[] = [];
  for (const d of history) if (have.has(d) && d !== current && !out.includes(d)) out.push(d);
  if (current !== undefined) out.push(current);
  return out;
}

export function writeHistory(store: string, history: string[]): void {
  replaceFileAtomic(path.join(store, HISTORY), history.map((d) => `${d}\n`).join(''), `.history.tmp-${process.pid}`);
}

export function historyEquals(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Leftovers of interrupted runs: working entries of any process, and lock temps of dead ones. */
export function leftovers(store: string): string[] {
  if (lstatOrUndefined(store) === undefined) return [];
  const working = fs.readdirSync(store).filter((name) => WORKING_RE.test(name));
  return [...working, ...staleLockTemps(store)].sort();
}

/** A dir whose content is exactly `files`, preferring the current one; undefined if none. */
export function findIntactCopy(store: string, id: string, files: GenerationFiles, current: string | undefined): string | undefined {
  const candidates = listGenerationDirs(store).filter((d) => idOfDir(d) === id);
  candidates.sort((a, b) => Number(b === current) - Number(a === current));
  return candidates.find((d) => sameFiles(readGenerationDir(store, d), files));
}

/** A free dir name for `id`: `gen-<id>`, or `gen-<id>.<k>` when an altered copy holds that name. */
export function freeDirName(store: string, id: string): string {
  const taken = new Set(listGenerationDirs(store));
  if (!taken.has(`gen-${id}`)) return `gen-${id}`;
  for (let k = 1; ; k++) if (!taken.has(`gen-${id}.${k}`)) return `gen-${id}.${k}`;
}
