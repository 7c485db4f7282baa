import type { SynthesisProblem } from './problems';
import { describe, type PythonComponent } from './discovery';
import { locate } from './toml';
import { byCodePoint } from '../shared/order';
import { parseDebianSpec } from '../artifacts/patterns';
import type { SystemPackage } from '../artifacts/synthesis-manifest';

/**
 * The union of every component's `[tool.lychd] system-dependencies`, sorted by name. Anything
 * that is not a plain Debian package name (a space, `;`, `$(`) is rejected: the list ends up
 * in an `apt-get install` line.
 */
export function collectSystemPackages(components: PythonComponent[], problems: SynthesisProblem[]): SystemPackage[] {
  const byName = new Map<string, { pkg: SystemPackage; from: PythonComponent }>();
  for (const py of components) {
    py.systemDependencies.forEach((raw, i) => {
      const field = `tool.lychd.system-dependencies[${i}]`;
      const line = locate(py.toml.text, 'tool.lychd', 'system-dependencies', typeof raw === 'string' ? raw : undefined);
      const parsed = typeof raw === 'string' ? parseDebianSpec(raw) : undefined;
      if (!parsed || typeof raw !== 'string') {
        problems.push({
          code: 'LYCHD302',
          file: py.file,
          line,
          field,
          message: `${JSON.stringify(raw)} is not a Debian package name (${describe(py.component)})`,
          fix: 'use lowercase letters, digits, "+", "-" and "." (at least two characters), optionally "=version", e.g. "ffmpeg" or "ffmpeg=7:5.1.6-0+deb12u1"',
        });
        return;
      }
      const who = py.component.name;
      const seen = byName.get(parsed.name);
      if (!seen) {
        byName.set(parsed.name, { pkg: { spec: raw, ...parsed, requestedBy: [who] }, from: py });
        return;
      }
      const a = seen.pkg;
      if (a.version !== undefined && parsed.version !== undefined && a.version !== parsed.version) {
        problems.push({
          code: 'LYCHD301',
          file: py.file,
          line,
          field,
          message: `${describe(py.component)} pins "${raw}" but ${describe(seen.from.component)} pins "${a.spec}" (${seen.from.file})`,
          fix: 'pin the same version in both extensions, or drop one pin',
        });
        return;
      }
      // An unpinned request is satisfied by another extension's pin.
      if (a.version === undefined && parsed.version !== undefined) Object.assign(a, { spec: raw, version: parsed.version });
      if (!a.requestedBy.includes(who)) a.requestedBy.push(who);
    });
  }
  return [...byName.values()]
    .map(({ pkg }) => ({ ...pkg, requestedBy: [...pkg.requestedBy].sort() }))
    .sort((x, y) => byCodePoint(x.name, y.name));
}
