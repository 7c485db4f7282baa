import { readRegistry } from '../codex/registry';
import type { SynthesisProblem } from './problems';
import type { PythonComponent } from './discovery';
import { parseDebianSpec } from '../artifacts/patterns';

/**
 * Adds what an extension's register hook contributed (forge/federation.json) to its static
 * `[tool.lychd]` lists. Both count; the same package asked for with two different versions, once
 * in each, is a conflict reported at the hook's line.
 */
export function mergeRegistrations(workspaceRoot: string, components: PythonComponent[], problems: SynthesisProblem[]): void {
  const registry = readRegistry(workspaceRoot);
  for (const py of components) {
    if (py.component.kind !== 'extension') continue;
    const regs = registry.extensions[py.component.name];
    if (!regs) continue;
    const statics = new Map(
      py.systemDependencies.flatMap((s) => {
        const parsed = typeof s === 'string' ? parseDebianSpec(s) : undefined;
        return parsed ? [[parsed.name, s as string] as const] : [];
      }),
    );
    for (const r of regs.systemDependencies) {
      const parsed = parseDebianSpec(r.value)!;
      const written = statics.get(parsed.name);
      if (written === r.value) continue;
      if (written !== undefined && parseDebianSpec(written)?.version !== undefined && parsed.version !== undefined) {
        problems.push({
          code: 'LYCHD203',
          file: r.file,
          line: r.line,
          field: 'register(context)',
          message: `extension ${py.component.name} registers "${r.value}" but its [tool.lychd] system-dependencies say "${written}" (${py.file})`,
          fix: 'ask for the package in one place, or with the same version in both',
        });
        continue;
      }
      if (written === undefined) py.systemDependencies.push(r.value);
      // A pin from the hook refines an unpinned static request.
      else if (parsed.version !== undefined) py.systemDependencies[py.systemDependencies.indexOf(written)] = r.value;
      statics.set(parsed.name, parsed.version !== undefined || written === undefined ? r.value : written);
    }
    py.capabilities = [...new Set([...py.capabilities, ...regs.capabilities.map((c) => c.value)])].sort();
  }
}
