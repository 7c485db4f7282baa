import * as path from 'node:path';

/** One package that differs between the current body and the candidate. */
export interface PackageChange {
  ecosystem: 'python' | 'node' | 'debian';
  name: string;
  from?: string;
  to?: string;
}

type Versions = Map<string, string>;

function pythonVersions(lock: unknown): Versions {
  const pkgs = ((lock as { python?: { packages?: unknown } })?.python?.packages ?? []) as Array<Record<string, unknown>>;
  return new Map(
    pkgs.filter((p) => typeof p['name'] === 'string').map((p) => [p['name'] as string, String(p['version'] ?? p['source'] ?? '')]),
  );
}

function nodeVersions(lock: unknown): Versions {
  const pkgs = ((lock as { node?: { packages?: unknown } })?.node?.packages ?? []) as Array<Record<string, unknown>>;
  // The install path names a package uniquely (two versions of one name live at two paths).
  return new Map(
    pkgs
      .filter((p) => typeof p['name'] === 'string')
      .map((p) => [String(p['path'] ?? p['name']).replace(/^node_modules\//, ''), String(p['version'] ?? '')]),
  );
}

function diff(ecosystem: PackageChange['ecosystem'], a: Versions, b: Versions): PackageChange[] {
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: PackageChange[] = [];
  for (const name of names) {
    const from = a.get(name);
    const to = b.get(name);
    if (from === to) continue;
    out.push({ ecosystem, name, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
  }
  return out;
}

/**
 * Packages added, removed or changed between two bodies: Python and Node from their Synthesis
 * Manifests, Debian from their image summaries. `from` undefined: there is no current body.
 */
export function packageChanges(
  from: { lock: unknown; systemPackages: Record<string, string> } | undefined,
  to: { lock: unknown; systemPackages: Record<string, string> },
): PackageChange[] {
  return [
    ...diff('python', from ? pythonVersions(from.lock) : new Map(), pythonVersions(to.lock)),
    ...diff('node', from ? nodeVersions(from.lock) : new Map(), nodeVersions(to.lock)),
    ...diff('debian', new Map(Object.entries(from?.systemPackages ?? {})), new Map(Object.entries(to.systemPackages))),
  ];
}

/** The base, when both bodies name one and it changed (a Debian point release, a re-lock, another image). */
export function baseChange(
  from: { ref: string; digest: string } | undefined,
  to: { ref: string; digest: string } | undefined,
): { from: string; to: string } | undefined {
  if (!from || !to || (from.digest === to.digest && from.ref === to.ref)) return undefined;
  return { from: `${from.ref} ${from.digest}`, to: `${to.ref} ${to.digest}` };
}

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
