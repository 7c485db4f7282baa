import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LocatedDiagnostic } from './diagnostics';
import { linkProblem, unreadable } from './read-file';

/**
 * The TOML files below a `runes/` folder, as sorted relative paths, and what stands in the way
 * of reading it: an unreadable folder, a symbolic link (refused by the one link rule, never
 * followed). Hidden entries (editor swap files, VCS folders) are skipped.
 */
export function listRuneFiles(runeRoot: string): { files: string[]; diagnostics: LocatedDiagnostic[] } {
  const files: string[] = [];
  const diagnostics: LocatedDiagnostic[] = [];
  const walk = (rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(runeRoot, rel), { withFileTypes: true });
    } catch (e) {
      diagnostics.push(unreadable(path.join(runeRoot, rel), e));
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name.startsWith('.')) continue;
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymbolicLink()) diagnostics.push(linkProblem(path.join(runeRoot, child))!);
      else if (e.isDirectory()) walk(child);
      else if (e.isFile() && e.name.endsWith('.toml')) files.push(child);
    }
  };
  if (fs.existsSync(runeRoot)) walk('');
  return { files, diagnostics };
}

/** Every regular file below `dir`, as sorted paths relative to it; hidden entries are skipped. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue; // editor swap files, VCS folders
      const child = rel ? `${rel}/${e.name}` : e.name;
      const stat = fs.statSync(path.join(dir, child));
      if (stat.isDirectory()) walk(child);
      else if (stat.isFile()) out.push(child);
    }
  };
  if (fs.existsSync(dir)) walk('');
  return out;
}
