/*
 * Every change the Forge makes to the Binding Site and its store happens here, as named,
 * ordered steps (steps.ts numbers them; crash tests SIGKILL the process before each one).
 *
 * Why a reader of the site sees a whole generation, before, during and after any crash:
 *
 * 1. The site holds exactly one Forge entry, the symlink `lychd` -> <store>/gen-<id>. The
 *    quadlet generator follows it and reads the generation through it. Nothing else the Forge
 *    writes is ever inside the site, not even briefly: temp dirs, the staged link and the lock
 *    live in the store, which sits beside the site (site.ts), outside the generator's scan.
 * 2. A generation dir is built under a temp name in the store (`.tmp-gen-<id>-<pid>`), every
 *    file written and fsynced, the dir fsynced, and only then renamed to `gen-<id>` (and the
 *    store fsynced). So a `gen-*` dir is complete by construction, and is never modified after.
 * 3. The switch is one rename(2): a new symlink staged as `<store>/.next-<pid>` replaces
 *    `<site>/lychd`. rename is atomic: any path lookup resolves `lychd` to the old target or the
 *    new one, never to nothing and never to a mix. Then the site (and store) are fsynced, so
 *    after power loss the journal holds either the old link or the new one; both point to dirs
 *    whose contents were durable before the switch (step 2 fsyncs happen first).
 * 4. Killed at any instant, the site therefore shows the old generation (killed before the
 *    rename) or the new one (after). What can be left over is confined to the store: a temp
 *    dir, a staged link, a half-deleted `.trash-*` dir, a history temp file, a held lock epoch.
 *    None is visible to the generator, and the next run removes them under the lock (`recover`)
 *    and takes a dead holder's lock over (lock.ts).
 * 5. Pruning renames a generation dir to `.trash-*` before deleting it, so a `gen-*` name never
 *    denotes a half-deleted dir; it never touches the current or previous generation.
 * 6. The history file (which generation came before which) is written after the switch with
 *    the same temp+fsync+rename dance; if it lags the link after a crash, recovery reorders it
 *    from the link, which is the single source of truth for "current".
 * The store and the site must share a filesystem (rename(2) cannot cross one); checked first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsyncDir, lstatOrUndefined, mkdirDurable, writeFilesSynced } from '../shared/fsutil';
import { Generation, generationId, readTree } from './generation';
import { acquireLock, LockHandle, releaseLock } from './lock';
import {
  findIntactCopy,
  freeDirName,
  historyEquals,
  idOfDir,
  leftovers,
  listGenerationDirs,
  foreignLinkError,
  isForeignLink,
  notALinkError,
  readHistory,
  readLink,
  reconcileHistory,
  StorePaths,
  writeHistory,
} from './store';
import { daemonReload, ReloadOutcome, SystemctlRunner } from './systemctl';
import { StepRunner, stepRunner } from './steps';
import { realPathNearest, siteLocationProblem } from './site';
import { syncUnitLinks, type LinkOutcome } from './unit-links';
import { failure } from '../diagnostics';

export const BIND_STEPS = [
  'prepare-dirs',
  'acquire-lock',
  'recover',
  'make-temp-dir',
  'write-files',
  'sync-temp-dir',
  'publish-generation',
  'stage-link',
  'switch-link',
  'sync-site',
  'record-history',
  'prune',
  'link-units',
  'reload',
  'release-lock',
] as const;
export type BindStep = (typeof BIND_STEPS)[number];

export const ROLLBACK_STEPS = [
  'acquire-lock',
  'recover',
  'stage-link',
  'switch-link',
  'sync-site',
  'record-history',
  'link-units',
  'reload',
  'release-lock',
] as const;
export type RollbackStep = (typeof ROLLBACK_STEPS)[number];

type SwitchStep = 'stage-link' | 'switch-link' | 'sync-site';

export interface TransactionOutcome {
  changed: boolean;
  current: string;
  previous?: string;
  recovered: string[];
  pruned: string[];
  reload?: ReloadOutcome;
  /** What changed in the unit folder; undefined when none was given. */
  links?: LinkOutcome;
}

/** Read-only checks that must pass before anything is created or changed. */
export function preflight(paths: StorePaths, env: NodeJS.ProcessEnv = process.env): void {
  const location = siteLocationProblem(paths.site, paths.store, env);
  if (location) throw failure('LYCHD500', location);
  if (readLinkKindSafe(paths) === 'not-a-link') throw notALinkError(paths);
  const foreign = isForeignLink(paths);
  if (foreign !== undefined) throw foreignLinkError(paths, foreign);
  const storeStat = lstatOrUndefined(paths.store);
  if (storeStat !== undefined && !storeStat.isDirectory()) {
    throw failure('LYCHD503', 'the generation store exists but is not a folder', {
      file: paths.store,
      hint: 'move it away, or pass another storeDir',
    });
  }
  const siteDev = deviceOfNearest(paths.site);
  const storeDev = deviceOfNearest(paths.store);
  const realSite = realPathNearest(paths.site);
  if (siteDev !== storeDev && realSite !== paths.site) {
    throw failure(
      'LYCHD508',
      `The Binding Site ${paths.site} leads through a symbolic link to ${realSite}, on another filesystem than ` +
        `the generation store ${paths.store} beside it, so the final rename(2) cannot be atomic. ` +
        `Pass --binding-site ${realSite} (its store then sits beside it).`,
    );
  }
  if (siteDev !== storeDev) {
    throw failure('LYCHD508', `the generation store ${paths.store} and the Binding Site ${paths.site} are on different filesystems`, {
      why: 'the final rename(2) cannot be atomic across filesystems',
      hint: 'choose a storeDir on the same filesystem as the site (the default, a hidden sibling of the site, is)',
    });
  }
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

function readLinkKindSafe(paths: StorePaths): string {
  const st = lstatOrUndefined(paths.link);
  if (st === undefined) return 'absent';
  return st.isSymbolicLink() ? 'link' : 'not-a-link';
}

/** The filesystem a path's writes land on: links are followed, as a write through them is. */
function deviceOfNearest(p: string): number {
  let cur = path.resolve(p);
  for (;;) {
    const st = statOrUndefined(cur);
    if (st !== undefined) return st.dev;
    const parent = path.dirname(cur);
    if (parent === cur) throw new Error(`No existing ancestor of ${p}`);
    cur = parent;
  }
}

function prepareDirs(paths: StorePaths): void {
  mkdirDurable(paths.site);
  mkdirDurable(paths.store);
}

/** Remove what interrupted runs left in the store. Runs under the lock. */
function recover(paths: StorePaths): string[] {
  const found = leftovers(paths.store);
  for (const name of found) fs.rmSync(path.join(paths.store, name), { recursive: true, force: true });
  if (found.length > 0) fsyncDir(paths.store);
  return found;
}

/** Steps 1-3 of the switch: stage a symlink in the store, rename it over `lychd`, fsync. */
async function switchLink(paths: StorePaths, dir: string, steps: StepRunner<SwitchStep>): Promise<void> {
  const staged = path.join(paths.store, `.next-${process.pid}`);
  const target = path.relative(fs.realpathSync(paths.site), path.join(fs.realpathSync(paths.store), dir));
  await steps.run('stage-link', () => {
    fs.rmSync(staged, { force: true });
    fs.symlinkSync(target, staged);
  });
  await steps.run('switch-link', () => fs.renameSync(staged, paths.link));
  await steps.run('sync-site', () => {
    fsyncDir(paths.site);
    fsyncDir(paths.store);
  });
}

function currentDir(paths: StorePaths): string | undefined {
  const link = readLink(paths);
  if (link.kind === 'not-a-link') throw notALinkError(paths);
  return link.kind === 'generation' ? link.dir : undefined;
}

/** Write a generation into a temp dir, make it durable, then rename it into the store. */
async function publish(paths: StorePaths, gen: Generation, steps: StepRunner<BindStep>): Promise<string> {
  const tmp = path.join(paths.store, `.tmp-gen-${gen.id}-${process.pid}`);
  const dirs = new Set<string>([tmp]);
  await steps.run('make-temp-dir', () => fs.mkdirSync(tmp));
  await steps.run('write-files', async () => {
    const files: [string, Buffer][] = [];
    for (const [rel, bytes] of gen.files) {
      const file = path.join(tmp, ...rel.split('/'));
      const parent = path.dirname(file);
      if (!dirs.has(parent)) {
        fs.mkdirSync(parent, { recursive: true });
        for (let d = parent; d !== tmp && !dirs.has(d); d = path.dirname(d)) dirs.add(d);
      }
      files.push([file, bytes]);
    }
    await writeFilesSynced(files);
  });
  // Deepest first, so each dir's entry is durable in its parent before the parent is synced.
  await steps.run('sync-temp-dir', () => {
    for (const d of [...dirs].sort((a, b) => b.length - a.length)) fsyncDir(d);
  });
  const name = freeDirName(paths.store, gen.id);
  await steps.run('publish-generation', () => {
    fs.renameSync(tmp, path.join(paths.store, name));
    fsyncDir(paths.store);
  });
  return name;
}

/** Keep the newest `keep` generations of the history, and always the current and previous. */
function prune(paths: StorePaths, history: string[], keep: number): { history: string[]; removed: string[] } {
  const kept = history.slice(-Math.max(keep, 2));
  if (!historyEquals(kept, readHistory(paths.store))) writeHistory(paths.store, kept);
  const removed = listGenerationDirs(paths.store).filter((d) => !kept.includes(d));
  for (const d of removed) {
    const trash = path.join(paths.store, `.trash-${d}-${process.pid}`);
    fs.renameSync(path.join(paths.store, d), trash);
    fsyncDir(paths.store);
    fs.rmSync(trash, { recursive: true, force: true });
  }
  if (removed.length > 0) fsyncDir(paths.store);
  return { history: kept, removed };
}

export interface BindPlan {
  paths: StorePaths;
  generation: Generation;
  keep: number;
  reload: SystemctlRunner | false;
  lockTimeoutMs: number;
  /** The user's systemd unit folder, where the generation's coven targets are linked (unit-links.ts). */
  unitDir?: string;
}

/** Links the current generation's systemd units into the unit folder; true when a link changed. */
function linkUnits(paths: StorePaths, unitDir: string | undefined, current: string): LinkOutcome | undefined {
  if (unitDir === undefined) return undefined;
  return syncUnitLinks(paths, unitDir, fs.readdirSync(path.join(paths.store, current)));
}

const linksChanged = (l: LinkOutcome | undefined) => l !== undefined && l.linked.length + l.unlinked.length > 0;

/** The bind's transaction: BIND_STEPS in order, under the store's lock. */
export async function applyBindPlan(plan: BindPlan): Promise<TransactionOutcome> {
  const { paths, generation } = plan;
  const steps = stepRunner(BIND_STEPS);
  await steps.run('prepare-dirs', () => prepareDirs(paths));
  const lock: LockHandle = await steps.run('acquire-lock', () => acquireLock(paths.store, plan.lockTimeoutMs));
  let released = false;
  try {
    const recovered = await steps.run('recover', () => recover(paths));
    const current = currentDir(paths);
    const history = reconcileHistory(readHistory(paths.store), listGenerationDirs(paths.store), current);
    const target = findIntactCopy(paths.store, generation.id, generation.files, current) ?? (await publish(paths, generation, steps));
    const changed = target !== current;
    if (changed) await switchLink(paths, target, steps);
    const next = reconcileHistory(history, listGenerationDirs(paths.store), target);
    await steps.run('record-history', () => {
      if (!historyEquals(next, readHistory(paths.store))) writeHistory(paths.store, next);
    });
    const pruned = await steps.run('prune', () => prune(paths, next, plan.keep));
    const links = await steps.run('link-units', () => linkUnits(paths, plan.unitDir, target));
    const reload = changed || linksChanged(links) ? await steps.run('reload', () => daemonReload(plan.reload)) : undefined;
    await steps.run('release-lock', () => releaseLock(lock));
    released = true;
    const previous = pruned.history.at(-2);
    return { changed, current: target, recovered, pruned: pruned.removed, reload, links, ...(previous ? { previous } : {}) };
  } finally {
    if (!released) releaseLock(lock);
  }
}

export interface RollbackPlan {
  paths: StorePaths;
  reload: SystemctlRunner | false;
  lockTimeoutMs: number;
  unitDir?: string;
}

/** The rollback's transaction: ROLLBACK_STEPS in order, under the store's lock. */
export async function applyRollbackPlan(plan: RollbackPlan): Promise<TransactionOutcome> {
  const { paths } = plan;
  const steps = stepRunner(ROLLBACK_STEPS);
  const lock = await steps.run('acquire-lock', () => acquireLock(paths.store, plan.lockTimeoutMs));
  let released = false;
  try {
    const recovered = await steps.run('recover', () => recover(paths));
    const current = currentDir(paths);
    if (current === undefined) {
      throw failure('LYCHD504', `nothing to roll back: ${paths.link} does not point to a generation in ${paths.store}`, {
        hint: 'run bind first',
      });
    }
    const history = reconcileHistory(readHistory(paths.store), listGenerationDirs(paths.store), current);
    const previous = history.at(-2);
    if (previous === undefined) {
      throw failure('LYCHD504', `no previous generation to roll back to: ${paths.store} holds only the current one (${current})`, {
        why: 'a rollback needs at least two binds of different content',
      });
    }
    const actual = generationId(readTree(path.join(paths.store, previous)));
    if (actual !== idOfDir(previous)) {
      throw failure('LYCHD505', `the previous generation was altered after it was installed; refusing to roll back to it`, {
        file: path.join(paths.store, previous),
        why: `its content hashes to ${actual}, not ${idOfDir(previous)}`,
        hint: 'render that Codex again and bind it instead',
      });
    }
    await switchLink(paths, previous, steps);
    const next = [...history.filter((d) => d !== previous), previous];
    await steps.run('record-history', () => writeHistory(paths.store, next));
    const links = await steps.run('link-units', () => linkUnits(paths, plan.unitDir, previous));
    const reload = await steps.run('reload', () => daemonReload(plan.reload));
    await steps.run('release-lock', () => releaseLock(lock));
    released = true;
    return { changed: true, current: previous, previous: current, recovered, pruned: [], reload, links };
  } finally {
    if (!released) releaseLock(lock);
  }
}
