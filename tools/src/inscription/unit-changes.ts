import * as path from 'node:path';

/**
 * What differs between two generations (file name → content), and which services that changes:
 * what `bind` leaves running on an old definition, and what the Rebirth Gate's review lists.
 */

const UNIT_SUFFIX: Record<string, string> = { '.container': '', '.pod': '-pod', '.volume': '-volume', '.network': '-network' };

/** `vessel.container` → `vessel.service`, `lychd.pod` → `lychd-pod.service`; undefined for other files. */
export function serviceOfFile(file: string): string | undefined {
  const ext = path.extname(file);
  if (!(ext in UNIT_SUFFIX) || file.includes('/')) return undefined;
  return `${path.basename(file, ext)}${UNIT_SUFFIX[ext]}.service`;
}

export interface UnitChange {
  file: string;
  change: 'added' | 'removed' | 'changed';
}

/** Files that differ between two generations (name → content), sorted. */
export function fileChanges(a: ReadonlyMap<string, Buffer>, b: ReadonlyMap<string, Buffer>): UnitChange[] {
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: UnitChange[] = [];
  for (const file of names) {
    const x = a.get(file);
    const y = b.get(file);
    if (x && y && x.equals(y)) continue;
    out.push({ file, change: !x ? 'added' : !y ? 'removed' : 'changed' });
  }
  return out;
}

/**
 * The services whose definition changes: a changed unit file, or a unit that uses a changed
 * file beside it (`harvester/prometheus.yml` belongs to `harvester.container`; a top-level file
 * belongs to every unit that mounts it as `./<file>`).
 */
export function servicesChanged(changes: readonly UnitChange[], b: ReadonlyMap<string, Buffer>, a: ReadonlyMap<string, Buffer>): string[] {
  const out = new Set<string>();
  const units = [...new Set([...a.keys(), ...b.keys()])].filter((f) => serviceOfFile(f));
  for (const { file } of changes) {
    const own = serviceOfFile(file);
    if (own) {
      out.add(own);
      continue;
    }
    const top = file.split('/')[0] as string;
    for (const unit of units) {
      const text = (b.get(unit) ?? a.get(unit) ?? Buffer.alloc(0)).toString('utf8');
      const stem = path.basename(unit, path.extname(unit));
      if (stem === top || text.includes(`./${file}`)) out.add(serviceOfFile(unit) as string);
    }
  }
  return [...out].sort();
}
