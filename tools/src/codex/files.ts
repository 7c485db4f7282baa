import * as fs from 'node:fs';
import * as path from 'node:path';

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

export function listDirs(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && fs.statSync(path.join(dir, e.name)).isDirectory())
    .map((e) => e.name)
    .sort();
}
