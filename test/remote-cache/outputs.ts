import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Every file under the given paths, relative to `root`, with its bytes. */
export function readOutputs(root: string, paths: string[]): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (rel: string) => {
    const abs = path.join(root, rel);
    if (!fs.existsSync(abs)) return;
    if (fs.statSync(abs).isDirectory()) {
      for (const entry of fs.readdirSync(abs).sort()) walk(path.posix.join(rel, entry));
    } else files.set(rel, fs.readFileSync(abs));
  };
  for (const p of [...new Set(paths)].sort()) walk(p);
  return files;
}

/** A comparable digest per file: equal maps mean byte-identical outputs. */
export function digests(files: Map<string, Buffer>): Record<string, string> {
  return Object.fromEntries([...files].map(([rel, bytes]) => [rel, createHash('sha256').update(bytes).digest('hex')]));
}

export function removeOutputs(root: string, paths: string[]): void {
  for (const p of paths) fs.rmSync(path.join(root, p), { recursive: true, force: true });
}

/** Files whose bytes mention any of the given paths. */
export function filesMentioning(files: Map<string, Buffer>, needles: string[]): string[] {
  return [...files].filter(([, bytes]) => needles.some((n) => bytes.includes(n))).map(([rel]) => rel);
}
