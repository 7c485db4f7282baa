import * as fs from 'node:fs';
import * as path from 'node:path';
import { locate } from '../synthesis/toml';
import type { BaseRecord } from '../artifacts/base-record';
import type { SynthesisProblem } from '../synthesis/problems';
import type { ForgeSources } from './inputs';

/** The packages apt says it cannot find, in its own words. */
export const missingPackages = (aptOutput: string): string[] => [
  ...new Set([...aptOutput.matchAll(/Unable to locate package (\S+)/g)].map((m) => m[1]!)),
];

/** A Debian package the archive does not have, located where an extension asked for it. */
export function missingPackageProblems(missing: string[], sources: ForgeSources, base: BaseRecord): SynthesisProblem[] {
  return missing.flatMap((name) => {
    const pkg = sources.manifest.system.find((p) => p.name === name || p.spec === name);
    return (pkg?.requestedBy ?? ['(unknown)']).map((who) => {
      const component = sources.manifest.components.find((c) => c.name === who);
      const file = component ? `${component.path}/pyproject.toml` : '(unknown)';
      return {
        code: 'LYCHD601',
        file,
        line: component ? lineOf(sources.workspaceRoot, file, pkg?.spec ?? name) : undefined,
        field: 'tool.lychd.system-dependencies',
        message: `Debian ${base.kind === 'debian' ? base.ref : `(base ${base.ref})`} has no package "${name}" (asked for by ${component?.kind ?? 'component'} ${who})`,
        fix: `correct the name (apt-cache search ${name.replace(/[^a-z0-9+.-]/g, '')}) or remove it, then run \`lychd-forge synthesize\``,
      };
    });
  });
}

function lineOf(workspaceRoot: string | undefined, file: string, spec: string): number | undefined {
  if (!workspaceRoot || !fs.existsSync(path.join(workspaceRoot, file))) return undefined;
  return locate(fs.readFileSync(path.join(workspaceRoot, file), 'utf8'), 'tool.lychd', 'system-dependencies', spec);
}
