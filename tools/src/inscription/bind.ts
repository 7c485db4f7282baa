import * as path from 'node:path';
import { Generation, readGeneration, sameFiles } from './generation';
import { preflight, applyBindPlan } from './inscribe';
import { lockHolder, lockIsStale } from './lock';
import { lstatOrUndefined } from '../shared/fsutil';
import { defaultStoreDir, shadowingUnits } from './site';
import {
  historyEquals,
  idOfDir,
  leftovers,
  listGenerationDirs,
  readGenerationDir,
  readHistory,
  readLink,
  reconcileHistory,
  StorePaths,
  storePaths,
} from './store';
import { SystemctlRunner, systemctlUser } from './systemctl';
import { describeLinks, planUnitLinks } from './unit-links';
import { causesOf, failure, ForgeError, type Diagnostic } from '../diagnostics';

export interface BindResult {
  status: 'bound' | 'unchanged';
  /** Content id of the generation now installed. */
  generation: string;
  /** Content id of the generation a rollback would restore. */
  previous?: string;
  reloaded: boolean;
  message: string;
}

/** Throw, or return a list of problems (empty: valid). Runs before anything on disk changes. */
export type GenerationValidator = (generation: {
  dir: string;
  id: string;
  files: ReadonlyMap<string, Buffer>;
}) => void | readonly Diagnostic[] | Promise<void | readonly Diagnostic[]>;

export interface BindOptions {
  generationDir: string;
  bindingSite: string;
  /** Where generations are kept; default: a hidden sibling of the site (see site.ts). */
  storeDir?: string;
  /** Generations to keep, current included; the current and previous ones are always kept. Default 3. */
  keep?: number;
  validate?: GenerationValidator;
  /** systemctl runner for the daemon-reload, or false to only report what to run. */
  reload?: SystemctlRunner | false;
  lockTimeoutMs?: number;
  /** The user's systemd unit folder: each coven target of the generation is linked there (unit-links.ts). */
  unitDir?: string;
}

export const DEFAULT_KEEP = 3;
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

export function pathsFor(bindingSite: string, storeDir?: string): StorePaths {
  const site = path.resolve(bindingSite);
  return storePaths(site, path.resolve(storeDir ?? defaultStoreDir(site)));
}

async function runValidator(validate: GenerationValidator, dir: string, gen: Generation, site: string): Promise<void> {
  let problems: void | readonly Diagnostic[];
  try {
    problems = await validate({ dir, id: gen.id, files: gen.files });
  } catch (err) {
    if (err instanceof ForgeError) throw new ForgeError(err.diagnostics, `Nothing in ${site} was changed:`);
    throw failure('LYCHD502', `the generation ${dir} could not be validated`, {
      why: `nothing in ${site} was changed`,
      cause: causesOf(err),
    });
  }
  if (problems && problems.length > 0) {
    throw new ForgeError([...problems], `Validation of ${dir} found ${problems.length} problem(s), so nothing in ${site} was changed:`);
  }
}

/**
 * True when the wanted generation is installed, intact, recorded, and no interrupted run or
 * running bind needs attention. Reads only: an unchanged bind must not touch the disk.
 */
function alreadyInstalled(paths: StorePaths, gen: Generation, unitDir?: string): { previous?: string } | undefined {
  if (lstatOrUndefined(paths.store) === undefined) return undefined;
  const link = readLink(paths);
  if (link.kind !== 'generation' || idOfDir(link.dir) !== gen.id) return undefined;
  if (leftovers(paths.store).length > 0 || lockIsStale(paths.store) || lockHolder(paths.store)) return undefined;
  const history = readHistory(paths.store);
  if (!historyEquals(history, reconcileHistory(history, listGenerationDirs(paths.store), link.dir))) return undefined;
  if (!sameFiles(readGenerationDir(paths.store, link.dir), gen.files)) return undefined;
  if (unitDir !== undefined) {
    const links = planUnitLinks(paths, unitDir, gen.files.keys());
    if (links.linked.length + links.unlinked.length > 0) return undefined;
  }
  const previous = history.at(-2);
  return previous ? { previous } : {};
}

function validKeep(keep: number | undefined): number {
  const k = keep ?? DEFAULT_KEEP;
  if (!Number.isInteger(k) || k < 1) {
    throw failure('LYCHD802', `keep must be a whole number of generations ≥ 1, not ${String(keep)}`, {
      hint: 'keep at least 1 generation (3 by default)',
    });
  }
  return k;
}

/**
 * Whether the Binding Site already holds this rendered generation, intact, with nothing for a bind
 * to repair: exactly when `bind` would change nothing. Reads only.
 */
export function isInstalled(options: Pick<BindOptions, 'bindingSite' | 'storeDir' | 'unitDir'>, generation: Generation): boolean {
  return (
    alreadyInstalled(pathsFor(options.bindingSite, options.storeDir), generation, options.unitDir && path.resolve(options.unitDir)) !==
    undefined
  );
}

/** Install one rendered generation into the Binding Site, atomically (see inscribe.ts). */
export async function bind(options: BindOptions): Promise<BindResult> {
  const paths = pathsFor(options.bindingSite, options.storeDir);
  const keep = validKeep(options.keep);
  const generationDir = path.resolve(options.generationDir);
  const gen = readGeneration(generationDir);
  // An unchanged bind changes nothing, so it needs no validation: it stays cheap for `nx` runs
  // where everything else was a cache hit.
  const unitDir = options.unitDir === undefined ? undefined : path.resolve(options.unitDir);
  const installed = alreadyInstalled(paths, gen, unitDir);
  if (!installed) {
    if (options.validate) await runValidator(options.validate, generationDir, gen, paths.site);
    preflight(paths);
  }
  if (installed) {
    const previous = installed.previous ? idOfDir(installed.previous) : undefined;
    return {
      status: 'unchanged',
      generation: gen.id,
      ...(previous ? { previous } : {}),
      reloaded: false,
      message: `generation ${gen.id} is already installed at ${paths.link}; nothing changed`,
    };
  }

  const out = await applyBindPlan({
    paths,
    generation: gen,
    keep,
    reload: options.reload ?? systemctlUser,
    lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    unitDir,
  });
  const previous = out.previous ? idOfDir(out.previous) : undefined;
  const notes = [
    out.changed
      ? `installed generation ${gen.id} at ${paths.link}${previous ? ` (previous: ${previous})` : ''}`
      : `generation ${gen.id} is already installed at ${paths.link}; nothing changed in the site`,
  ];
  if (out.recovered.length > 0) notes.push(`cleaned up after an interrupted run: ${out.recovered.join(', ')}`);
  if (out.pruned.length > 0) notes.push(`pruned old generations: ${out.pruned.join(', ')}`);
  if (unitDir !== undefined && out.links) notes.push(...describeLinks(unitDir, out.links));
  if (out.reload) notes.push(out.reload.message);
  for (const s of shadowingUnits(paths.site, gen.files)) {
    notes.push(`warning: ${s} has the name of a LychD unit; the quadlet generator loads only one of the two, so move or rename it`);
  }
  return {
    status: out.changed ? 'bound' : 'unchanged',
    generation: gen.id,
    ...(previous ? { previous } : {}),
    reloaded: out.reload?.reloaded ?? false,
    message: notes.join('; '),
  };
}
