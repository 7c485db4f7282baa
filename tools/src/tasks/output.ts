import * as fs from 'node:fs';
import * as path from 'node:path';

/** Replaces a task's output folder with exactly these files, so nothing stale survives a rerun. */
export function writeOutputDir(dir: string, files: ReadonlyMap<string, string>): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}
