import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathsFor } from './bind';
import { unifiedDiff } from '../shared/diff';
import { GenerationFiles, readGeneration, readTree } from './generation';
import { shadowingUnits } from './site';
import { idOfDir, readLink } from './store';

export interface SiteCheckOptions {
  generationDir: string;
  bindingSite: string;
  storeDir?: string;
}

export interface SiteCheck {
  inSync: boolean;
  /** Notes on the `lychd` entry, then one unified diff per differing file; empty when in sync. */
  diff: string;
  /** Content id of the rendered generation. */
  rendered: string;
  /** Generation dir `lychd` points to, if it points into the store. */
  installed?: string;
}

/** Compare what is installed (read through `lychd`, so edits in the store count) with a rendered generation. */
export function checkSite(options: SiteCheckOptions): SiteCheck {
  const paths = pathsFor(options.bindingSite, options.storeDir);
  const rendered = readGeneration(path.resolve(options.generationDir));
  const notes: string[] = [];
  let installed: GenerationFiles = new Map();
  let installedDir: string | undefined;
  const link = readLink(paths);
  if (link.kind === 'absent') notes.push(`# ${paths.link} does not exist: nothing is installed`);
  else if (link.kind === 'not-a-link') notes.push(`# ${paths.link} is not a symlink: it was replaced by hand`);
  else {
    if (link.kind === 'foreign-link') notes.push(`# ${paths.link} points to ${link.target}, outside the store ${paths.store}`);
    else installedDir = link.dir;
    // stat follows the link: read the generation the way the quadlet generator does.
    if (fs.statSync(paths.link, { throwIfNoEntry: false })?.isDirectory()) installed = readTree(paths.link);
    else notes.push(`# ${paths.link} -> ${link.target} is dangling`);
  }
  if (link.kind !== 'not-a-link') {
    for (const s of shadowingUnits(paths.site, rendered.files)) notes.push(`# ${s} has the name of a LychD unit and shadows it`);
  }
  const diffs: string[] = [];
  const names = [...new Set([...installed.keys(), ...rendered.files.keys()])].sort();
  for (const rel of names) {
    const a = installed.get(rel);
    const b = rendered.files.get(rel);
    if (a !== undefined && b !== undefined && a.equals(b)) continue;
    diffs.push(unifiedDiff({ label: `installed/${rel}`, text: a }, { label: `rendered/${rel}`, text: b }));
  }
  const diff = [...notes.map((n) => `${n}\n`), ...diffs].join('');
  return {
    inSync: diff === '',
    diff,
    rendered: rendered.id,
    ...(installedDir ? { installed: idOfDir(installedDir) } : {}),
  };
}
