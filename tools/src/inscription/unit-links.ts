import * as fs from 'node:fs';
import * as path from 'node:path';
import { fsyncDir, lstatOrUndefined, mkdirDurable } from '../shared/fsutil';
import { isSystemdUnitFile } from '../toolchain';
import type { StorePaths } from './store';

/*
 * The quadlet generator reads only Quadlet files, so the generation's plain systemd units (the
 * coven targets) reach systemd as links in the user's unit folder, one per unit, each pointing
 * THROUGH the site's `lychd` link (`<site>/lychd/coven-x.target`). The atomic switch of `lychd`
 * therefore switches their contents too; a link whose unit the current generation lacks dangles,
 * which systemd reads as "not found". A link is the Forge's exactly when it points there: only
 * such links are ever removed, and a file or someone else's link of the same name is left alone.
 */

export interface UnitDirInput {
  /** `--unit-dir`; wins over everything. */
  option?: string;
  env: NodeJS.ProcessEnv | Record<string, string | undefined>;
  /** The resolved Binding Site. */
  bindingSite: string;
}

/**
 * Where the user's systemd manager reads unit files: the option, else `LYCHD_UNIT_DIR`, else,
 * for a Binding Site `<config>/containers/systemd` (the default one), `<config>/systemd/user`.
 * Any other site has no such sibling: then the targets are not linked (undefined).
 */
export function resolveUnitDir({ option, env, bindingSite }: UnitDirInput): string | undefined {
  if (option !== undefined && option !== '') return path.resolve(option);
  const explicit = env['LYCHD_UNIT_DIR'];
  if (explicit !== undefined && explicit !== '') return path.resolve(explicit);
  const site = path.resolve(bindingSite);
  if (path.basename(site) !== 'systemd' || path.basename(path.dirname(site)) !== 'containers') return undefined;
  return path.join(path.dirname(path.dirname(site)), 'systemd', 'user');
}

export interface LinkOutcome {
  /** Links made (unit names). */
  linked: string[];
  /** The Forge's links removed, their unit gone from the generation. */
  unlinked: string[];
  /** Names held by a file or link that is not the Forge's: left as they are. */
  blocked: string[];
}

const linkTarget = (paths: StorePaths, unit: string) => path.join(paths.link, unit);

function isOurs(paths: StorePaths, file: string): boolean {
  if (!lstatOrUndefined(file)?.isSymbolicLink()) return false;
  const target = fs.readlinkSync(file);
  return path.dirname(target) === paths.link && isSystemdUnitFile(path.basename(target));
}

/** What `syncUnitLinks` would change: empty lists when the folder already matches. */
export function planUnitLinks(paths: StorePaths, unitDir: string, files: Iterable<string>): LinkOutcome {
  const units = [...files].filter(isSystemdUnitFile).sort();
  const outcome: LinkOutcome = { linked: [], unlinked: [], blocked: [] };
  for (const unit of units) {
    const file = path.join(unitDir, unit);
    const st = lstatOrUndefined(file);
    if (st === undefined) outcome.linked.push(unit);
    else if (!st.isSymbolicLink() || fs.readlinkSync(file) !== linkTarget(paths, unit)) outcome.blocked.push(unit);
  }
  if (lstatOrUndefined(unitDir)?.isDirectory()) {
    for (const name of fs.readdirSync(unitDir).sort()) {
      if (!units.includes(name) && isSystemdUnitFile(name) && isOurs(paths, path.join(unitDir, name))) outcome.unlinked.push(name);
    }
  }
  return outcome;
}

/** Makes `unitDir` hold exactly the Forge's links for the plain systemd units among `files`. */
export function syncUnitLinks(paths: StorePaths, unitDir: string, files: Iterable<string>): LinkOutcome {
  const plan = planUnitLinks(paths, unitDir, files);
  if (plan.linked.length === 0 && plan.unlinked.length === 0) return plan;
  mkdirDurable(unitDir);
  for (const unit of plan.linked) fs.symlinkSync(linkTarget(paths, unit), path.join(unitDir, unit));
  for (const unit of plan.unlinked) fs.rmSync(path.join(unitDir, unit));
  fsyncDir(unitDir);
  return plan;
}

/** The bind message's words for a link outcome (nothing when nothing happened). */
export function describeLinks(unitDir: string, outcome: LinkOutcome): string[] {
  const notes: string[] = [];
  if (outcome.linked.length > 0) notes.push(`linked ${outcome.linked.join(', ')} into ${unitDir}`);
  if (outcome.unlinked.length > 0) notes.push(`removed the links ${outcome.unlinked.join(', ')} from ${unitDir}`);
  for (const unit of outcome.blocked) {
    notes.push(
      `warning: ${path.join(unitDir, unit)} is not the Forge's link, so systemd runs that file instead of the generated ${unit}; move it away and bind again`,
    );
  }
  return notes;
}
