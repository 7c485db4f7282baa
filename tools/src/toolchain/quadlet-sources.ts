import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** File extensions the podman 5.4 generator converts. */
export const QUADLET_EXTENSIONS = ['.container', '.volume', '.network', '.kube', '.image', '.build', '.pod'] as const;

function isQuadletFile(name: string): boolean {
  return QUADLET_EXTENSIONS.some((ext) => name.endsWith(ext) && name.length > ext.length);
}

/**
 * Plain systemd units of the generation (the coven targets): the quadlet generator ignores them,
 * so `bind` links each into the user's systemd unit folder (inscription/unit-links.ts).
 */
export const isSystemdUnitFile = (file: string): boolean => /^[A-Za-z0-9_.:@-]+\.target$/.test(file);

/**
 * Quadlet source files under dir, as the generator discovers them: recursive,
 * hidden files included, symlinked files and directories followed; names like
 * `x.pod.tmp` or `x.pod~` are not sources. Paths are relative to dir, sorted.
 */
export function listQuadletSources(dir: string): string[] {
  return listFilesWhere(dir, isQuadletFile);
}

/** Plain systemd units (the coven targets) under dir, found the same way: `bind` links them into the user's unit folder. */
export function listSystemdUnits(dir: string): string[] {
  return listFilesWhere(dir, isSystemdUnitFile);
}

function listFilesWhere(dir: string, wanted: (name: string) => boolean): string[] {
  const found: string[] = [];
  const visited = new Set<string>(); // symlinked directories may form a loop
  const walk = (current: string): void => {
    const real = realpathSync(current);
    if (visited.has(real)) return;
    visited.add(real);
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      let stat;
      try {
        stat = statSync(path);
      } catch {
        continue; // dangling symlink: the generator cannot read it either
      }
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile() && wanted(entry)) found.push(relative(dir, path));
    }
  };
  walk(dir);
  return found.sort();
}
