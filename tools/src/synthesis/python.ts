import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SynthesisProblem } from './problems';
import { seedsCommittedLock } from './pin';
import { SynthesisError, throwIfAny } from './problems';
import { PYTHON_DIR, PYTHON_FILES } from '../artifacts/paths';
import { relFrom, abs } from '../shared/workspace-path';
import { componentsOf, discoverComponents, describe, type Component, type ComponentSource, type PythonComponent } from './discovery';
import { normalizeName, readPythonComponents } from './pyproject';
import { collectSystemPackages } from './system';
import type { SystemPackage } from '../artifacts/synthesis-manifest';
import { withStaging, writeFiles, type GeneratedFile } from './fsio';
import { run } from './process';
import { resolveUv } from './tools';
import { toolVersion } from '../toolchain';

export interface MergedPython {
  /** The synthesized root `pyproject.toml` (a virtual uv workspace). */
  pyproject: GeneratedFile;
  members: PythonComponent[];
  systemPackages: SystemPackage[];
  /** `[forge] resolve_before`, written into the root pyproject as uv's exclude-newer. */
  resolveBefore?: string;
}

/**
 * Builds the virtual workspace root that makes uv resolve the core and every active extension
 * together. Members are plain relative paths: uv accepts members outside the root folder, and
 * a conflict then comes out of uv naming both members. No `conflicts` are ever declared, since
 * they would let uv fork the resolution instead of failing.
 */
export function mergePython(workspaceRoot: string, components?: Component[], resolveBefore?: string): MergedPython {
  const problems: SynthesisProblem[] = [];
  const members = readPythonComponents(workspaceRoot, components ?? discoverComponents(workspaceRoot).all, problems);
  const systemPackages = collectSystemPackages(members, problems);
  throwIfAny(problems);
  return {
    pyproject: { path: PYTHON_FILES.pyproject, content: renderRootPyproject(members, resolveBefore) },
    members,
    systemPackages,
    resolveBefore,
  };
}

export function renderRootPyproject(members: PythonComponent[], resolveBefore?: string): string {
  const lines = [
    '# Synthesized by the LychD Forge from the core and the active extensions: do not edit.',
    '# Each member is resolved together with the others into uv.lock beside this file.',
    '#',
    ...members.map((m) => `#   ${m.projectName} <- ${m.file} (${describe(m.component)})`),
    '',
    '[tool.uv.workspace]',
    'members = [',
    ...members.map((m) => `    ${JSON.stringify(relFrom(PYTHON_DIR, m.component.dir))},`),
    ']',
    '',
    // `[forge] resolve_before`: uv resolves as the index was then, and records the cutoff in uv.lock.
    ...(resolveBefore ? ['[tool.uv]', `exclude-newer = ${JSON.stringify(resolveBefore)}`, ''] : []),
  ];
  return lines.join('\n');
}

export interface LockOptions extends ComponentSource {
  /** Extra environment for the tool (e.g. `UV_DEFAULT_INDEX`, `UV_CACHE_DIR`, `npm_config_registry`). */
  env?: NodeJS.ProcessEnv;
  /** Resolve from caches and local indexes only. */
  offline?: boolean;
}

export interface PythonLockResult {
  files: GeneratedFile[];
  uvVersion: string;
  systemPackages: SystemPackage[];
}

/**
 * Merges, then runs `uv lock` in a scratch folder; only when uv succeeds are the root pyproject
 * and `uv.lock` written to `forge/synthesis/python/`. The committed lock seeds the run so that
 * unchanged pins stay where they are.
 */
export async function lockPython(options: LockOptions): Promise<PythonLockResult> {
  const { workspaceRoot } = options;
  const components = componentsOf(options);
  const merged = mergePython(workspaceRoot, components.all, components.settings.forge.resolve_before);
  const uv = await resolveUv(workspaceRoot);
  const lock = await resolvePython(uv, merged, options);
  const files = [merged.pyproject, { path: PYTHON_FILES.lock, content: lock }];
  writeFiles(workspaceRoot, files);
  return { files, uvVersion: toolVersion('uv', { workspaceRoot }), systemPackages: merged.systemPackages };
}

/** uv's resolution of the merged workspace, in a scratch folder: the lock's text, or uv's conflict. */
function resolvePython(uv: string, merged: MergedPython, options: LockOptions): Promise<string> {
  return withStaging(options.workspaceRoot, 'python', async (dir) => {
    fs.writeFileSync(path.join(dir, 'pyproject.toml'), merged.pyproject.content);
    const committed = abs(options.workspaceRoot, PYTHON_FILES.lock);
    if (fs.existsSync(committed) && seedsCommittedLock(options.workspaceRoot, merged.resolveBefore))
      fs.copyFileSync(committed, path.join(dir, 'uv.lock'));
    const args = ['lock', '--no-progress', ...(options.offline ? ['--offline'] : [])];
    const result = await run(uv, args, { cwd: dir, env: options.env });
    if (result.status !== 0) throw new SynthesisError([uvProblem(result.stderr, merged.members)]);
    return fs.readFileSync(path.join(dir, 'uv.lock'), 'utf8');
  });
}

/**
 * The Python conflicts of an already merged workspace, writing nothing: so that a run that stops
 * on another manifest's problems still reports uv's verdict on the Python side with them.
 */
export async function pythonConflicts(merged: MergedPython, options: LockOptions): Promise<SynthesisProblem[]> {
  try {
    await resolvePython(await resolveUv(options.workspaceRoot), merged, options);
    return [];
  } catch (e) {
    if (e instanceof SynthesisError) return e.problems;
    throw e;
  }
}

/** Keeps uv's own explanation, and says which file each member it names comes from. */
export function uvProblem(stderr: string, members: PythonComponent[]): SynthesisProblem {
  const text = cleanToolOutput(stderr);
  const named = members.filter((m) =>
    [m.projectName, normalizeName(m.projectName)].some((n) =>
      new RegExp(`(^|[^A-Za-z0-9._-])${escape(n)}([^A-Za-z0-9_-]|$)`, 'i').test(text),
    ),
  );
  const where = named.map((m) => `${m.projectName} is ${describe(m.component)}: ${m.file}`);
  return {
    code: 'LYCHD301',
    file: named.length === 1 && named[0] ? named[0].file : PYTHON_FILES.pyproject,
    field: 'project.dependencies',
    message: `uv could not lock the merged Python dependencies:\n${text}${where.length ? `\n${where.join('\n')}` : ''}`,
    fix:
      named.length > 1
        ? `make the requirements of ${named.map((m) => m.component.name).join(' and ')} compatible, or deactivate one of them in the Prime Scroll's [extensions] active`
        : 'correct the requirement uv names above',
  };
}

export function cleanToolOutput(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => l.trim() && !/^Using (CPython|Python)/.test(l) && !/^npm warn Unknown (user|env) config/.test(l))
    .join('\n');
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export { normalizeName };
