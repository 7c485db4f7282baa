import * as fs from 'node:fs';
import * as path from 'node:path';
import { NODE_FILES, PYTHON_FILES } from '../artifacts/paths';
import { abs } from '../shared/workspace-path';
import { withStaging } from './fsio';
import { run } from './process';
import { resolveNpm, resolveUv } from './tools';
import { SynthesisError } from './problems';
import { cleanToolOutput } from './python';

/** A locked package and the newest version its constraints (and `[forge] resolve_before`) allow. */
export interface Outdated {
  ecosystem: 'python' | 'node' | 'debian';
  name: string;
  locked: string;
  newest: string;
}

/**
 * uv's own answer, in a scratch copy of the synthesized workspace: `uv lock --upgrade --dry-run`
 * resolves within the members' constraints and the pyproject's exclude-newer, and writes nothing.
 */
export async function outdatedPython(workspaceRoot: string, env?: NodeJS.ProcessEnv): Promise<Outdated[]> {
  const uv = await resolveUv(workspaceRoot);
  const r = await withStaging(workspaceRoot, 'outdated-python', (dir) => {
    for (const file of [PYTHON_FILES.pyproject, PYTHON_FILES.lock])
      fs.copyFileSync(abs(workspaceRoot, file), path.join(dir, path.basename(file)));
    return run(uv, ['lock', '--upgrade', '--dry-run', '--no-progress'], { cwd: dir, env });
  });
  if (r.status !== 0) throw toolFailure(PYTHON_FILES.lock, 'uv lock --upgrade --dry-run', r.stderr);
  return [...`${r.stdout}\n${r.stderr}`.matchAll(/^Update (\S+) v(\S+) -> v(\S+)$/gm)].map((m) => ({
    ecosystem: 'python' as const,
    name: m[1]!,
    locked: m[2]!,
    newest: m[3]!,
  }));
}

/** npm's `outdated` over the synthesized lock: the newest version each range allows ("wanted"), against the locked one. */
export async function outdatedNode(workspaceRoot: string, resolveBefore?: string, env?: NodeJS.ProcessEnv): Promise<Outdated[]> {
  const npm = await resolveNpm(workspaceRoot);
  const lockText = fs.readFileSync(abs(workspaceRoot, NODE_FILES.lock), 'utf8');
  const r = await withStaging(workspaceRoot, 'outdated-node', (dir) => {
    fs.copyFileSync(abs(workspaceRoot, NODE_FILES.packageJson), path.join(dir, 'package.json'));
    fs.writeFileSync(path.join(dir, 'package-lock.json'), lockText);
    return run(npm, ['outdated', '--json', ...(resolveBefore ? [`--before=${resolveBefore}`] : [])], { cwd: dir, env });
  });
  // npm outdated exits 1 when something is outdated: its JSON is the answer either way.
  let report: Record<string, { wanted?: string }>;
  try {
    report = JSON.parse(r.stdout || '{}') as typeof report;
  } catch {
    throw toolFailure(NODE_FILES.lock, 'npm outdated', r.stderr);
  }
  const lock = JSON.parse(lockText) as { packages?: Record<string, { version?: string }> };
  return Object.entries(report).flatMap(([name, entry]) => {
    const locked = lock.packages?.[`node_modules/${name}`]?.version;
    return locked && entry.wanted && entry.wanted !== locked ? [{ ecosystem: 'node' as const, name, locked, newest: entry.wanted }] : [];
  });
}

function toolFailure(file: string, command: string, stderr: string): SynthesisError {
  return new SynthesisError([
    {
      code: 'LYCHD801',
      file,
      field: '(file)',
      message: `${command} failed:\n${cleanToolOutput(stderr)}`,
      fix: 'check that the index and registry are reachable and that `lychd-forge synthesize --check` passes',
    },
  ]);
}
