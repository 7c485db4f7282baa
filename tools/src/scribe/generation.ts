import { lstatSync, mkdirSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { OWNERSHIP_RECORD, readGenerationRecord, unsafeName } from '../artifacts/generation-record';
import { replaceFileAtomic } from '../shared/fsutil';
import { soulstones, type Codex } from '../codex/model';
import { renderCapabilities } from './capabilities';
import { soulstoneRoster } from './roster';
import { checkStartSet } from './covens';
import { renderCoreServices } from './core';
import { renderCovenTargets } from './coven-targets';
import { ScribeError } from './errors';
import { serviceForFile } from './names';
import { byCodePoint } from '../shared/order';
import { renderObservability } from './observability';
import { renderPod } from './pod';
import { renderSoulstone } from './soulstone';

/** Every soulstone's unit, each rendered from its rune and the soulstone roster only. */
export function renderSoulstones(codex: Codex): Map<string, string> {
  const roster = soulstoneRoster(codex);
  checkStartSet(roster);
  return new Map(
    soulstones(codex).map((r) => {
      const { file, text } = renderSoulstone(r, roster);
      return [file, text] as const;
    }),
  );
}

/** Two files that quadlet turns into the same service overwrite each other without a word (docs/scribe.md). */
function checkServiceNames(files: Iterable<string>): void {
  const owners = new Map<string, string>();
  for (const f of files) {
    const service = serviceForFile(f);
    if (!service) continue;
    const other = owners.get(service);
    if (other) throw new ScribeError('LYCHD408', `${other} and ${f} would both become ${service}`);
    owners.set(service, f);
  }
}

/**
 * Joins separately rendered pieces (for example per-rune cached build outputs)
 * into one generation: a file may come from one piece only, and no two files
 * may become the same service. Sorted by file name.
 */
export function assembleGeneration(parts: Iterable<Map<string, string>>): Map<string, string> {
  const all = new Map<string, string>();
  for (const part of parts) {
    for (const [file, text] of part) {
      if (all.has(file)) throw new ScribeError('LYCHD408', `${file} is generated twice`);
      all.set(file, text);
    }
  }
  checkServiceNames(all.keys());
  return new Map([...all].sort(([a], [b]) => byCodePoint(a, b)));
}

/** The whole generation: exactly the union of the piecewise renderers. */
export function renderGeneration(codex: Codex): Map<string, string> {
  return assembleGeneration([
    renderPod(codex),
    renderCoreServices(codex),
    renderObservability(codex),
    renderCapabilities(codex),
    renderCovenTargets(codex),
    renderSoulstones(codex),
  ]);
}

export { OWNERSHIP_RECORD };

function writeAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  // Each file's own rename is what a generator run mid-write must not see half done; the folder
  // itself is an output, not the Binding Site, so its entries are not fsynced one by one.
  replaceFileAtomic(file, text, `${basename(file)}.tmp-${process.pid}`, false);
}

const lstat = (p: string) => lstatSync(p, { throwIfNoEntry: false });

/** The files the record in `dir` says the Forge wrote; undefined when the folder is not ours. */
function ownedFiles(dir: string): string[] | undefined {
  const stat = lstat(dir);
  if (!stat) return [];
  if (!stat.isDirectory()) throw new ScribeError('LYCHD409', `${dir} is not a folder: choose a new or empty folder for the generation`);
  const record = join(dir, OWNERSHIP_RECORD);
  if (!lstat(record)) {
    if (readdirSync(dir).length === 0) return [];
    return undefined;
  }
  // A link or a folder in its place is refused with the damaged record: it is no record the Forge wrote.
  return readGenerationRecord(record, dir);
}

/** Whether every folder on the way to `rel` is absent or a real folder: never a link someone else placed. */
function throughRealFolders(dir: string, rel: string): boolean {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const st = lstat(join(dir, ...parts.slice(0, i)));
    if (st && !st.isDirectory()) return false;
  }
  return true;
}

/** A regular file reached through real folders only. */
const isPlainFile = (dir: string, rel: string): boolean => throughRealFolders(dir, rel) && (lstat(join(dir, rel))?.isFile() ?? false);

/**
 * Writes the generation into `dir` so that it holds these files: each file is replaced
 * atomically, and the files of an earlier generation that this one drops are deleted (a stale
 * soulstone would keep its `Conflicts=` alive). Only files listed in the folder's ownership
 * record are ever replaced or removed: a non-empty folder without a record is refused, and
 * so is a generated name that a file of someone else's already holds. Nothing is written then.
 */
export function writeGeneration(files: Map<string, string>, dir: string): void {
  for (const name of files.keys()) {
    if (unsafeName(name) || name === OWNERSHIP_RECORD)
      throw new ScribeError('LYCHD408', `refusing to write ${JSON.stringify(name)} outside the generation folder`);
  }
  const owned = ownedFiles(dir);
  if (owned === undefined) {
    throw new ScribeError(
      'LYCHD409',
      `${dir} is not empty and holds no generation written by the Forge (no ${OWNERSHIP_RECORD}). ` +
        'Choose a new or empty folder for the generation.',
    );
  }
  const ours = new Set(owned);
  const taken = [...files.keys()].filter((f) => (!ours.has(f) && lstat(join(dir, f)) !== undefined) || !throughRealFolders(dir, f));
  if (taken.length > 0)
    throw new ScribeError(
      'LYCHD409',
      `${dir} already holds ${taken.join(', ')}, not written by the Forge (or reached through a link). Move them away or choose another folder.`,
    );
  mkdirSync(dir, { recursive: true });
  // The record lists the new files before they exist, so an interrupted write leaves nothing unowned.
  const record = [...new Set([...owned, ...files.keys()])].sort(byCodePoint);
  writeAtomically(join(dir, OWNERSHIP_RECORD), `${JSON.stringify({ files: record })}\n`);
  for (const [name, text] of files) writeAtomically(join(dir, name), text);
  for (const stale of owned.filter((f) => !files.has(f))) {
    if (isPlainFile(dir, stale)) rmSync(join(dir, stale));
    // Drop the folders this emptied, deepest first; a folder holding anything else stays.
    for (let d = dirname(stale); d !== '.'; d = dirname(d)) {
      try {
        rmdirSync(join(dir, d));
      } catch {
        break;
      }
    }
  }
  writeAtomically(join(dir, OWNERSHIP_RECORD), `${JSON.stringify({ files: [...files.keys()].sort(byCodePoint) })}\n`);
}
